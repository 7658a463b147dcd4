/**
 * Module and type-reference resolution for the cell checker, cached across programs. Each
 * cell's program is new (its root files change), so without a cache TypeScript resolves
 * every import of every typing again per cell. Before a cell that imports something the
 * checker calls `revalidate()`: the cache goes when anything its outcomes looked at on disk
 * changed (lookups.ts), so a package installed mid-session is found, and stays otherwise
 * (re-resolving the ~380 imports inside lib and @types took 25-30 ms of a cold kernel's check).
 */
import { sayWhatTheyProbed, stillHold, type LookedUp } from "./lookups.js";
import ts from "./typescript.cjs";

type ModuleHost = ts.ModuleResolutionHost;

/** Module resolutions made earlier (the warm-compiler snapshot's), and when they began. */
export interface EarlierResolutions {
  options: ts.CompilerOptions;
  modules: ts.ModuleResolutionCache;
  outcomes: readonly LookedUp[];
  since: number;
}

export class Resolutions {
  private modules: ts.ModuleResolutionCache;
  private typeReferences: ts.TypeReferenceDirectiveResolutionCache;
  /** Every outcome handed out from the current caches: what revalidate() checks. */
  private outcomes = new Set<LookedUp>();
  /** When the current caches began (ms since the epoch, the clock file times use). */
  private since = Date.now();

  constructor(
    private readonly dir: string,
    private readonly options: ts.CompilerOptions,
    private readonly host: ModuleHost,
    earlier?: EarlierResolutions,
    /** Whether a path is one of the checker's in-memory files (the resolver finds them too). */
    private readonly virtual: (path: string) => boolean = () => false,
  ) {
    this.modules = this.newModuleCache();
    this.typeReferences = this.newTypeReferenceCache();
    if (earlier !== undefined) this.adopt(earlier);
  }

  /**
   * Start from `earlier`'s module cache when it was made under the same resolution settings
   * and the disk still gives its outcomes (~5 ms of stats for the snapshot's 378).
   */
  private adopt(earlier: EarlierResolutions): void {
    const changes = (ts as unknown as { changesAffectModuleResolution?: unknown })
      .changesAffectModuleResolution;
    if (typeof changes !== "function" || changes(earlier.options, this.options) !== false) return;
    if (!this.hold(earlier.outcomes, earlier.since)) return;
    this.modules = earlier.modules;
    this.typeReferences = this.newTypeReferenceCache();
    this.outcomes = new Set(earlier.outcomes);
    this.since = earlier.since;
  }

  /** The module cache; the program also reads its package.json cache to tell ESM from CJS. */
  moduleCache(): ts.ModuleResolutionCache {
    return this.modules;
  }

  /** Forget every resolution, found or failed. */
  clear(): void {
    this.since = Date.now();
    this.outcomes = new Set();
    this.modules = this.newModuleCache();
    this.typeReferences = this.newTypeReferenceCache();
  }

  /** Keep the caches when every outcome still holds on disk; otherwise clear(). */
  revalidate(): void {
    if (!this.hold(this.outcomes, this.since)) this.clear();
  }

  /** Whether `outcomes`, made since `since`, say what they probed and all still hold. */
  private hold(outcomes: Iterable<LookedUp>, since: number): boolean {
    return sayWhatTheyProbed(outcomes) && stillHold(outcomes, since, this.virtual);
  }

  private kept<T extends LookedUp>(outcome: T): T {
    this.outcomes.add(outcome);
    return outcome;
  }

  /** For LanguageServiceHost.resolveModuleNameLiterals. */
  resolveModules(
    literals: readonly ts.StringLiteralLike[],
    containingFile: string,
    redirected: ts.ResolvedProjectReference | undefined,
    options: ts.CompilerOptions,
    containingSourceFile: ts.SourceFile,
  ): ts.ResolvedModuleWithFailedLookupLocations[] {
    // A cell's own files are rewritten or dropped from check to check: what they import is
    // resolved afresh (a handful of names), so the cache holds only what stands on disk.
    const cached = !this.virtual(containingFile);
    return literals.map((literal) => {
      const outcome = ts.resolveModuleName(
        literal.text,
        containingFile,
        options,
        this.host,
        cached ? this.modules : undefined,
        redirected,
        ts.getModeForUsageLocation(containingSourceFile, literal, options),
      );
      return cached ? this.kept(outcome) : outcome;
    });
  }

  /** For LanguageServiceHost.resolveTypeReferenceDirectiveReferences. */
  resolveTypeReferences<T extends ts.FileReference | string>(
    references: readonly T[],
    containingFile: string,
    redirected: ts.ResolvedProjectReference | undefined,
    options: ts.CompilerOptions,
    containingSourceFile: ts.SourceFile | undefined,
  ): ts.ResolvedTypeReferenceDirectiveWithFailedLookupLocations[] {
    const cached = !this.virtual(containingFile);
    return references.map((reference) => {
      const name = typeof reference === "string" ? reference : reference.fileName.toLowerCase();
      const mode =
        typeof reference === "string"
          ? undefined
          : ts.getModeForFileReference(reference, containingSourceFile?.impliedNodeFormat);
      const outcome = ts.resolveTypeReferenceDirective(
        name,
        containingFile,
        options,
        this.host,
        redirected,
        cached ? this.typeReferences : undefined,
        mode,
      );
      return cached ? this.kept(outcome) : outcome;
    });
  }

  private newModuleCache(): ts.ModuleResolutionCache {
    return ts.createModuleResolutionCache(this.dir, canonical, this.options);
  }

  private newTypeReferenceCache(): ts.TypeReferenceDirectiveResolutionCache {
    return ts.createTypeReferenceDirectiveResolutionCache(
      this.dir,
      canonical,
      this.options,
      this.modules.getPackageJsonInfoCache(),
    );
  }
}

function canonical(fileName: string): string {
  return ts.sys.useCaseSensitiveFileNames ? fileName : fileName.toLowerCase();
}
