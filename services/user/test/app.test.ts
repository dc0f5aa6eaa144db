import request from 'supertest';
import { UserRegistered } from '@lab/contracts';
import { deliverPublished, memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

function setup() {
  const dapr = memoryDapr();
  return { dapr, s: createApp({ config: loadConfig({}), log: silentLogger(), dapr }).callback() };
}

/** What the sidecar would do: deliver user's own UserRegistered events back to it. */
const deliverOwn = ({ dapr, s }: ReturnType<typeof setup>) => deliverPublished(s, dapr.bus, UserRegistered);

describe('POST /users', () => {
  it('registers, announces UserRegistered once, and refuses the same email in any case with 409', async () => {
    const t = setup();
    const { dapr, s } = t;
    const res = await request(s).post('/users').send({ email: 'Ada@Example.com', name: 'Ada' }).expect(202);
    await deliverOwn(t);
    expect(res.headers.location).toBe(`/users/${res.body.userId}`);
    await request(s).post('/users').send({ email: 'ada@example.COM', name: 'Other' }).expect(409);
    expect(dapr.bus.of(UserRegistered.topic).map(e => e.data)).toEqual([
      expect.objectContaining({ userId: res.body.userId, email: 'ada@example.com', name: 'Ada' }),
    ]);
    const got = await request(s).get(`/users/${res.body.userId}`).expect(200);
    expect(got.body).toEqual({
      userId: res.body.userId,
      email: 'ada@example.com',
      name: 'Ada',
      registeredAt: expect.any(String),
    });
  });

  it('refuses the same email once the first sign-up was announced, even before user stored it', async () => {
    const { dapr, s } = setup();
    await request(s).post('/users').send({ email: 'c@example.com', name: 'C' }).expect(202);
    // UserRegistered has not come back to user yet: the announcement alone makes the email taken.
    const dup = await request(s).post('/users').send({ email: 'C@example.com', name: 'C2' }).expect(409);
    expect(dup.body.error.code).toBe('conflict');
    expect(dapr.bus.of(UserRegistered.topic)).toHaveLength(1);
  });

  it('finishes a sign-up whose announcement failed, instead of refusing the retry', async () => {
    const t = setup();
    const { dapr, s } = t;
    dapr.bus.failNext = 1;
    await request(s).post('/users').send({ email: 'b@example.com', name: 'B' }).expect(500);
    const retry = await request(s).post('/users').send({ email: 'b@example.com', name: 'B' }).expect(202);
    expect(dapr.bus.of(UserRegistered.topic)).toHaveLength(1);
    await deliverOwn(t);
    expect(dapr.bus.of(UserRegistered.topic)[0]?.data.userId).toBe(retry.body.userId);
    await request(s).post('/users').send({ email: 'b@example.com', name: 'B' }).expect(409);
  });

  it('400 names each invalid field; unknown users are 404', async () => {
    const { s } = setup();
    const res = await request(s).post('/users').send({ email: 'x', name: '' }).expect(400);
    expect(res.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'name']);
    await request(s).get('/users/none').expect(404);
  });

  // Blank after trimming, which the document's minLength 1 alone did not say (found by schemathesis).
  it.each(['', '   ', '\f', '\ufeff\u3000', '\u2028'])(
    '400 for the blank name %j; a name is stored trimmed',
    async name => {
      const { dapr, s } = setup();
      const res = await request(s).post('/users').send({ email: 'b@c.io', name }).expect(400);
      expect(res.body.error.fields).toEqual([{ field: 'name', message: 'must not be blank' }]);
      // U+001C is not white space to trim (Python's regex engine says it is): a name, kept.
      await request(s).post('/users').send({ email: 'b@c.io', name: '\u00a0\u001cN ' }).expect(202);
      expect(dapr.bus.of(UserRegistered.topic)[0]?.data).toMatchObject({ name: '\u001cN' });
    },
  );

  // zod's email pattern took these, where the document's `format: email` (RFC 5321) does not (found by schemathesis).
  it.each([
    ['a local part of 65 characters', `${'a'.repeat(65)}@example.com`],
    ['a domain label of 64 characters', `a@${'b'.repeat(64)}.com`],
    ['a domain label ending in -', 'a@b-.io'],
  ])('400 for an email with %s; the limits themselves are taken', async (_what, email) => {
    const { s } = setup();
    const res = await request(s).post('/users').send({ email, name: 'N' }).expect(400);
    expect(res.body.error.fields).toEqual([{ field: 'email', message: expect.stringContaining('64') }]);
  });

  it('takes an email at the limits: a local part of 64, a label of 63', async () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.com`;
    expect((await request(setup().s).post('/users').send({ email, name: 'N' }).expect(202)).body.email).toBe(email);
  });
});
