import request from 'supertest';
import { UserRegistered } from '@lab/contracts';
import { memoryDapr, silentLogger } from '@lab/kit/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describe('POST /users, concurrent sign-ups with one email (issue 13, class 5)', () => {
  it('exactly one 202, the others 409, one announcement', async () => {
    const dapr = memoryDapr();
    // A bus that takes a moment to acknowledge, as a real one does: the others arrive while the first announces.
    const publish = dapr.bus.publish.bind(dapr.bus);
    dapr.bus.publish = async (c, e) => {
      await new Promise(r => setTimeout(r, 30));
      return publish(c, e);
    };
    const s = createApp({ config: loadConfig({}), log: silentLogger(), dapr }).callback();
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        request(s)
          .post('/users')
          .send({ email: 'Same@example.com', name: `N${i}` }),
      ),
    );
    const statuses = answers.map(a => a.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409]);
    expect(dapr.bus.of(UserRegistered.topic)).toHaveLength(1);
  });

  it('a sign-up whose announcement failed is finished by the next attempt at once (the claim is released)', async () => {
    const dapr = memoryDapr();
    const s = createApp({ config: loadConfig({}), log: silentLogger(), dapr }).callback();
    dapr.bus.failNext = 1;
    await request(s).post('/users').send({ email: 'x@example.com', name: 'X' }).expect(500);
    await request(s).post('/users').send({ email: 'x@example.com', name: 'X' }).expect(202);
    await request(s).post('/users').send({ email: 'x@example.com', name: 'X' }).expect(409);
  });
});
