// An app's real answers checked against its declared HTTP API (packages/contracts), for unit tests.
import type { HttpApi } from '@lab/contracts';
import { answerSchema } from '../openapi';
import { shellOperations } from '../shell-api';

export interface DeclaredAnswers {
  /** Parses `res.body` with the schema declared for `operationId` and `res.status`; throws naming the issues. */
  declared<R extends { status: number; body: unknown }>(operationId: string, res: R): R;
  /** Every "<operationId> <status>" the document declares (the API's and the shell's) that no test has parsed yet. */
  unseen(): string[];
}

export function declaredAnswers(api: HttpApi): DeclaredAnswers {
  const seen = new Set<string>();
  return {
    declared(operationId, res) {
      seen.add(`${operationId} ${res.status}`);
      const result = answerSchema(api, operationId, res.status).safeParse(res.body);
      if (!result.success) {
        throw new Error(
          `${operationId} answered ${res.status} with a body its declared schema refuses: ` +
            JSON.stringify(result.error.issues),
        );
      }
      return res;
    },
    unseen: () =>
      [...api.operations, ...shellOperations]
        .flatMap(op => Object.keys(op.answers).map(s => `${op.id} ${s}`))
        .filter(a => !seen.has(a)),
  };
}
