import { runPromotion } from "./promote";

/** `platform rollback <stack> <service>`: switch back to the idle (previous) colour; exit 0 done, 2 error. */
export function rollbackCommand(argv: readonly string[]): Promise<number> {
  return runPromotion("rollback", argv);
}
