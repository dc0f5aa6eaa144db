import { clusterId } from '../src/kafka';

describe('clusterId', () => {
  it('is 16 bytes in URL-safe base64 and never starts with "-" (StorageTool would read it as an option)', () => {
    // Before the fix one id in 64 started with '-'; 5,000 draws would meet about 78 of them.
    for (let i = 0; i < 5000; i++) {
      const id = clusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
