import type { ComponentDefinition } from './component';
import { formatPath } from './system-config';

/** A registered component kind: its definition and the module that exports it (for forking). */
export interface RegistryEntry {
  readonly definition: ComponentDefinition;
  /** Absolute path of the module whose default export is `definition`. */
  readonly module: string;
}

/** Component kinds by name. Config files refer to kinds; the registry turns them into code. */
export class ComponentRegistry {
  private readonly entries = new Map<string, RegistryEntry>();

  /** Registers a kind; the module must default-export the same definition. */
  register(definition: ComponentDefinition, module: string): this {
    if (this.entries.has(definition.kind))
      throw new Error(`component kind ${definition.kind} registered twice`);
    this.entries.set(definition.kind, { definition, module });
    return this;
  }

  has(kind: string): boolean {
    return this.entries.has(kind);
  }

  get(kind: string): RegistryEntry {
    const entry = this.entries.get(kind);
    if (!entry) throw new Error(`unknown component kind ${kind}`);
    return entry;
  }

  /** Whether a kind does I/O through effects and therefore runs in-process only. */
  inProcessOnly(kind: string): boolean {
    return this.get(kind).definition.effects !== undefined;
  }

  /** Registered kinds. */
  kinds(): string[] {
    return [...this.entries.keys()];
  }

  /** Problems with a component's config as `.path: expected …` lines; empty when valid. */
  validate(kind: string, config: unknown): string[] {
    const result = this.get(kind).definition.configSchema.safeParse(config);
    if (result.success) return [];
    return result.error.issues.map((i) => {
      const path = formatPath(i.path);
      return `${path === '(root)' ? '' : path.startsWith('[') ? path : `.${path}`}: ${i.message}`;
    });
  }

  /** The config with the kind's defaults applied. */
  resolveConfig(kind: string, config: unknown): unknown {
    return this.get(kind).definition.configSchema.parse(config);
  }
}
