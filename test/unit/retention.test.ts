// Across the tree: the verifier (tooling) knows how much notification and points keep, and holds its numbers equal to
// theirs, so it never blames a retention the services document as a lost effect.
import { KEPT } from '@lab/verify';
import { INBOX_SIZE } from '../../services/notification/src/app';
import { GRANTS_KEPT } from '../../services/points/src/domain/account';

describe('the verifier and the services it checks', () => {
  it("keeps to notification's and points' own retention", () => {
    expect(KEPT).toEqual({ inbox: INBOX_SIZE, grants: GRANTS_KEPT });
  });
});
