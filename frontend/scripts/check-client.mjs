// Fails when src/client/schema.d.ts is not exactly what `npm run generate` makes from
// openapi.yaml: the client is generated, never edited by hand (STYLE.md, convention 16).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(root, "src", "client", "schema.d.ts");
const scratch = mkdtempSync(join(tmpdir(), "check-client-"));
const fresh = join(scratch, "schema.d.ts");

try {
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "openapi-typescript", "bin", "cli.js"), "openapi.yaml", "--output", fresh],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  let current = "";
  try {
    current = readFileSync(committed, "utf8");
  } catch {
    current = "";
  }
  if (readFileSync(fresh, "utf8") !== current) {
    console.error(
      "src/client/schema.d.ts does not match openapi.yaml. Run `make schema` (if the API changed) " +
        "and then `cd frontend && npm run generate`, and commit both files.",
    );
    process.exit(1);
  }
  console.log("check-client: src/client/schema.d.ts matches openapi.yaml");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
