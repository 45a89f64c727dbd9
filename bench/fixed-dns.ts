/**
 * A DNS server on loopback that answers from fixed records, so that the benchmark measures
 * sender authentication as production runs it (SPF, DKIM and DMARC lookups over real DNS
 * packets, through the same resolver code) without depending on the internet. Names it does not
 * know get NXDOMAIN at once, as a real resolver answers a name that does not exist.
 *
 * Usage:
 *   const dns = await startFixedDns({ 'kunde.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] } });
 *   env.SUPPORTAL_DNS_SERVERS = dns.address;   // 127.0.0.1:PORT
 *   dns.queries                                // how many questions were answered
 *   await dns.stop();
 */
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export type FixedRecords = Record<string, { TXT?: string[]; A?: string[]; MX?: string[] }>;

export interface FixedDns {
  address: string;
  queries: number;
  stop(): Promise<void>;
}

export async function startFixedDns(records: FixedRecords): Promise<FixedDns> {
  const socket = createSocket('udp4');
  const state = { queries: 0 };
  const lower = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    state.queries++;
    const question = query.questions?.[0];
    const known = question ? lower.get(question.name.toLowerCase()) : undefined;
    const answers: dnsPacket.Answer[] = [];
    if (question && known) {
      if (question.type === 'TXT') for (const t of known.TXT ?? []) answers.push({ type: 'TXT', name: question.name, ttl: 300, data: [Buffer.from(t)] });
      if (question.type === 'A') for (const a of known.A ?? []) answers.push({ type: 'A', name: question.name, ttl: 300, data: a });
      if (question.type === 'MX') for (const m of known.MX ?? []) answers.push({ type: 'MX', name: question.name, ttl: 300, data: { preference: 10, exchange: m } });
    }
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      // RCODE 3 (NXDOMAIN) for names we do not know; NOERROR with no answers for a known name without that type.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
      questions: query.questions,
      answers,
    });
    socket.send(response, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    get queries() {
      return state.queries;
    },
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
