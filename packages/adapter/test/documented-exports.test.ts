import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { expect, test } from 'vitest'

const packages = ['core', 'adapter', 'testing'] as const
const entry = (name: string): string => fileURLToPath(new URL(`../../${name}/src/index.ts`, import.meta.url))

/** A declaration carries a JSDoc comment with text (or at least a tag such as `@internal`). */
function hasDoc(declaration: ts.Declaration): boolean {
  return ts.getJSDocCommentsAndTags(declaration).some((doc) => !ts.isJSDoc(doc) || doc.comment !== undefined || (doc.tags?.length ?? 0) > 0)
}

function isPublicMember(member: ts.ClassElement): boolean {
  if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) return false
  if (ts.isClassStaticBlockDeclaration(member) || ts.isSemicolonClassElement(member) || ts.isIndexSignatureDeclaration(member)) return false
  const flags = ts.getCombinedModifierFlags(member)
  if ((flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) return false
  // `declare readonly code: …` narrows an inherited member; the base documents it.
  if ((flags & ts.ModifierFlags.Ambient) !== 0) return false
  // Constructors are documented on their class; a constructor with parameters still needs its own words.
  if (ts.isConstructorDeclaration(member)) return member.parameters.length > 0
  return true
}

/** Every export of each package's `src/index.ts` (and every public member of an exported class) without a doc comment. */
function undocumented(): { readonly examined: number; readonly missing: string[] } {
  // Only the packages' own sources, without lib or dependency types: enough to follow re-exports
  // and read comments, and several times faster than a full program.
  const sources = packages.flatMap((name) => ts.sys.readDirectory(dirname(entry(name)), ['.ts'], undefined, ['**/*.ts']))
  const program = ts.createProgram(sources, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noLib: true,
    noResolve: true,
    types: [],
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  const missing: string[] = []
  let examined = 0
  for (const name of packages) {
    const source = program.getSourceFile(entry(name))
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source)
    if (moduleSymbol === undefined) throw new Error(`cannot read ${entry(name)}`)
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = (exported.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(exported) : exported
      const declarations = symbol.declarations ?? []
      const where = `@chatbridge/${name}: ${exported.name}`
      examined++
      if (!declarations.some(hasDoc)) missing.push(where)
      for (const declaration of declarations) {
        if (!ts.isClassDeclaration(declaration)) continue
        for (const member of declaration.members) {
          if (!isPublicMember(member) || hasDoc(member)) continue
          const memberName = ts.isConstructorDeclaration(member) ? 'constructor' : member.name?.getText() ?? '?'
          missing.push(`${where}.${memberName}`)
        }
      }
    }
  }
  return { examined, missing: [...new Set(missing)].sort() }
}

test('every export of core, adapter and testing (and every public class member) has a doc comment', () => {
  const { examined, missing: gaps } = undocumented()
  expect(examined, 'exports examined').toBeGreaterThan(100)
  expect(gaps, 'exports without a doc comment').toEqual([])
}, 30_000)
