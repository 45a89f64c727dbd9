import { OperationNodeTransformer, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type PrimitiveValueListNode, type QueryResult, type RootOperationNode, type UnknownRow, type ValueNode } from 'kysely';

// eslint-disable-next-line no-control-regex -- NUL is exactly what this plugin removes (M8)
const NUL = /\u0000/g;

class NulTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return typeof node.value === 'string' && node.value.includes('\u0000') ? { ...node, value: node.value.replace(NUL, '\uFFFD') } : super.transformValue(node);
  }
  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return { ...node, values: node.values.map((v) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(NUL, '\uFFFD') : v)) };
  }
}

/**
 * Mails carry NUL bytes (RELIABILITY M8). Raw bytes go into blob/bytea columns untouched; text
 * columns (subjects, bodies, file names) get U+FFFD instead, because PostgreSQL's text type
 * refuses NUL and SQLite's string functions stop at it. Applied on both databases so that they
 * store the same thing.
 */
export class StripNulPlugin implements KyselyPlugin {
  readonly #t = new NulTransformer();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#t.transformNode(args.node);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
