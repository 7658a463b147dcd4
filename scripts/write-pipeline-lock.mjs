#!/usr/bin/env node
// Part of `npm run build`: pins the exported pipeline's own packages for an installed replab,
// which has no package-lock.json (see runtime/export/pipeline-lock.ts).
import { writeShippedPipelineLock } from "../dist/runtime/export/pipeline-lock.js";

writeShippedPipelineLock();
