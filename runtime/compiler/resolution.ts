/**
 * Module and type-reference resolution for the cell checker, cached across programs. Each
 * cell's program is new (its root files change), so without a cache TypeScript resolves
 * every import of every typing again per cell. `clear()` forgets it all; the checker calls it
 * before a cell that imports something, so a package installed mid-session is found.
 */
import ts from "./typescript.cjs";

type ModuleHost = ts.ModuleResolutionHost;

export class Resolutions {
  private modules: ts.ModuleResolutionCache;
  private typeReferences: ts.TypeReferenceDirectiveResolutionCache;

  constructor(
    private readonly dir: string,
    private readonly options: ts.CompilerOptions,
    private readonly host: ModuleHost,
  ) {
    this.modules = this.newModuleCache();
    this.typeReferences = this.newTypeReferenceCache();
  }

  /** The module cache; the program also reads its package.json cache to tell ESM from CJS. */
  moduleCache(): ts.ModuleResolutionCache {
    return this.modules;
  }

  /** Forget every resolution, found or failed. */
  clear(): void {
    this.modules = this.newModuleCache();
    this.typeReferences = this.newTypeReferenceCache();
  }

  /** For LanguageServiceHost.resolveModuleNameLiterals. */
  resolveModules(
    literals: readonly ts.StringLiteralLike[],
    containingFile: string,
    redirected: ts.ResolvedProjectReference | undefined,
    options: ts.CompilerOptions,
    containingSourceFile: ts.SourceFile,
  ): ts.ResolvedModuleWithFailedLookupLocations[] {
    return literals.map((literal) =>
      ts.resolveModuleName(
        literal.text,
        containingFile,
        options,
        this.host,
        this.modules,
        redirected,
        ts.getModeForUsageLocation(containingSourceFile, literal, options),
      ),
    );
  }

  /** For LanguageServiceHost.resolveTypeReferenceDirectiveReferences. */
  resolveTypeReferences<T extends ts.FileReference | string>(
    references: readonly T[],
    containingFile: string,
    redirected: ts.ResolvedProjectReference | undefined,
    options: ts.CompilerOptions,
    containingSourceFile: ts.SourceFile | undefined,
  ): ts.ResolvedTypeReferenceDirectiveWithFailedLookupLocations[] {
    return references.map((reference) => {
      const name = typeof reference === "string" ? reference : reference.fileName.toLowerCase();
      const mode =
        typeof reference === "string"
          ? undefined
          : ts.getModeForFileReference(reference, containingSourceFile?.impliedNodeFormat);
      return ts.resolveTypeReferenceDirective(
        name,
        containingFile,
        options,
        this.host,
        redirected,
        this.typeReferences,
        mode,
      );
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
