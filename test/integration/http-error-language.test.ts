import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { addUser } from '../../src/app/users.js';
import { ERRORS } from '../../src/app/errors.js';
import { Client, httpHarness, PASSWORD, type Harness } from './http-harness.js';

/** The error body and the language the server says it is in. */
function errorOf(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  const e = (res.json() as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
  return { status: res.statusCode, language: res.headers['content-language'], ...e };
}

for (const dialect of testedDialects()) {
  describe(`error messages in the reader's language on ${dialect}`, () => {
    let h: Harness;
    const as: Record<'gerda' | 'emma', Client> = {} as never;
    before(async () => {
      h = await httpHarness(dialect);
      await addUser(h.ctx, { role: 'customer', email: 'gerda@kunde.example', name: 'Gerda', lang: 'de', password: PASSWORD });
      await addUser(h.ctx, { role: 'customer', email: 'emma@customer.example', name: 'Emma', lang: 'en', password: PASSWORD });
      for (const [name, email] of [['gerda', 'gerda@kunde.example'], ['emma', 'emma@customer.example']] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(email, PASSWORD)).statusCode, 200);
      }
    });
    after(async () => h.dispose());

    test('signed out: Accept-Language decides, English without it or when it names neither language', async () => {
      const anonymous = new Client(h.app);
      const ask = async (acceptLanguage?: string) => errorOf(await anonymous.request('GET', '/api/cases', undefined, acceptLanguage ? { 'accept-language': acceptLanguage } : {}));
      assert.deepEqual(await ask('de-DE,de;q=0.9,en;q=0.8'), { status: 401, language: 'de', code: 'unauthenticated', message: ERRORS.unauthenticated.message.de, details: {} });
      assert.deepEqual(await ask(), { status: 401, language: 'en', code: 'unauthenticated', message: ERRORS.unauthenticated.message.en, details: {} });
      assert.equal((await ask('fr-CH, en;q=0.8, de;q=0.5')).message, ERRORS.unauthenticated.message.en);
      assert.equal((await ask('fr')).language, 'en');
      // Not a route at all: the not-found answer follows the same rule.
      assert.deepEqual(errorOf(await anonymous.request('GET', '/api/no-such-route', undefined, { 'accept-language': 'de' })), { status: 404, language: 'de', code: 'not_found', message: ERRORS.not_found.message.de, details: {} });
    });

    test('signed in: the user\'s own language wins over Accept-Language, with the specific message; code and details stay the same', async () => {
      const german = errorOf(await as.gerda.request('GET', '/api/cases/987654', undefined, { 'accept-language': 'en' }));
      const english = errorOf(await as.emma.request('GET', '/api/cases/987654', undefined, { 'accept-language': 'de' }));
      assert.deepEqual(german, { status: 404, language: 'de', code: 'case_not_found', message: 'es gibt keinen Fall 987654', details: {} });
      assert.deepEqual(english, { status: 404, language: 'en', code: 'case_not_found', message: 'there is no case 987654', details: {} });
    });

    test('invalid input names the field in both languages: the use case\'s check and the route schema\'s', async () => {
      const useCase = async (c: Client) => errorOf(await c.request('POST', '/api/cases', { subject: ' ', body: 'It breaks.' }));
      const [de, en] = [await useCase(as.gerda), await useCase(as.emma)];
      assert.deepEqual([de.status, de.code, de.details, de.language], [400, 'invalid_input', en.details, 'de']);
      assert.equal(en.details.field, 'subject');
      assert.equal(de.message, 'subject: darf nicht leer sein');
      assert.match(en.message, /^subject: too small/i);
      const schema = async (c: Client) => errorOf(await c.request('PATCH', '/api/auth/profile', { language: 'fr' }));
      const [sde, sen] = [await schema(as.gerda), await schema(as.emma)];
      assert.deepEqual([sde.status, sde.code, sde.details], [400, 'invalid_input', sen.details]);
      assert.equal(sde.message, `${ERRORS.invalid_input.message.de} (language)`);
      // English keeps the validator's own detail.
      assert.match(sen.message, /language must be equal to one of the allowed values/);
    });
  });
}
