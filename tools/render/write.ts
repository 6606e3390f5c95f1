import { ARTIFACT_EXTRACTORS, type Artifact } from "./artifacts";
import { replaceOwnedFiles } from "./output-folder";
import type { RenderResult } from "./mock-runtime";

/** Every file of a render: resources.json and the artifacts of each extractor. */
export function renderArtifacts(result: RenderResult): Artifact[] {
  const files: Artifact[] = [
    {
      path: "resources.json",
      content: JSON.stringify({ stack: result.stack, project: result.project, charts: result.charts, resources: result.resources, outputs: result.outputs }, null, 2) + "\n",
    },
  ];
  for (const extractor of ARTIFACT_EXTRACTORS) files.push(...extractor.extract(result.resources));
  return files;
}

/**
 * Writes a render to `outDir`, replacing only what an earlier render wrote there (see
 * output-folder.ts: a folder that is not a render is refused), after checking that no secret
 * value appears in any file (a leak aborts the write).
 */
export function writeRender(result: RenderResult, outDir: string): Artifact[] {
  const files = renderArtifacts(result);
  // One pass over each file for all the secrets (tens of MB at 100 services).
  const secret = result.secretValues.length > 0 ? new RegExp(result.secretValues.map(escapeRegExp).join("|")) : undefined;
  for (const f of files) {
    if (secret?.test(f.content)) {
      throw new Error(`secret leak: a secret value appears in ${f.path}; nothing was written`);
    }
  }
  replaceOwnedFiles(outDir, "render", files);
  return files;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
