/**
 * Configuration: `.deploylint.yaml` / `deploylint.config.json` files, found up the tree from each
 * linted file, validated against a JSON Schema generated from the rules' metadata. See
 * docs/configuration.md for the file format, and resolver.ts for the semantics.
 */
export { ConfigLoadError, formatConfigError, type ConfigError } from "./errors.js";
export { CONFIG_FILE_NAMES, ConfigResolver, configKey, type FileConfig, type ResolverOptions, type Resolved } from "./resolver.js";
export { configSchema, ConfigValidator } from "./schema.js";
export { starterConfig, STARTER_FILE_NAME } from "./init.js";
export { parseSize } from "./size.js";
