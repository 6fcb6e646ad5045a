// The sandbox mounted as a whole Worker, as the README shows it.
import { createSandbox } from "expense-auth-sandbox";

const sandbox = createSandbox();
export default { fetch: sandbox.fetch };
