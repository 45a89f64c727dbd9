import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { cachedPrepare } from './sqlite.js';

describe('cachedPrepare', () => {
  test('the same SQL gets the same prepared statement; the least recently used is dropped past the limit', () => {
    const db = new SQLite(':memory:');
    const prepare = cachedPrepare(db, 2);
    const a = prepare('select 1 as n');
    assert.equal(prepare('select 1 as n'), a, 'reused');
    const b = prepare('select 2 as n');
    prepare('select 1 as n'); // a is now the most recently used
    prepare('select 3 as n'); // evicts b
    assert.equal(prepare('select 1 as n'), a);
    assert.notEqual(prepare('select 2 as n'), b, 'prepared anew after eviction');
    assert.deepEqual(a.all(), [{ n: 1 }]);
    db.close();
  });

  test('a cached statement sees schema changes made after it was prepared', () => {
    const db = new SQLite(':memory:');
    const prepare = cachedPrepare(db);
    prepare('create table t (a integer)').run();
    prepare('insert into t (a) values (?)').run(1);
    assert.deepEqual(prepare('select * from t order by a').all(), [{ a: 1 }]);
    prepare('alter table t add column b text default \'x\'').run();
    prepare('insert into t (a) values (?)').run(2);
    assert.deepEqual(prepare('select * from t order by a').all(), [{ a: 1, b: 'x' }, { a: 2, b: 'x' }], 'the cached select * has the new column');
    db.close();
  });
});
