/** The built-in providers: which SDK speaks to them, where their settings come from by default. */

export type ProviderKind = "anthropic" | "openai" | "google" | "openai-compatible" | "ollama" | "openrouter";

export interface BuiltinProvider {
  id: string;
  displayName: string;
  kind: ProviderKind;
  /** Environment variables holding the key, in order of preference. */
  keyEnv: string[];
  baseUrlEnv: string[];
  defaultBaseUrl: string;
  requiresKey: boolean;
  /** Base URL normalisation rule (see baseUrl.ts). */
  urlRule: "anthropic" | "openai" | "ollama" | "verbatim";
}

export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  {
    id: "anthropic",
    displayName: "Anthropic",
    kind: "anthropic",
    keyEnv: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"],
    baseUrlEnv: ["ANTHROPIC_BASE_URL"],
    defaultBaseUrl: "https://api.anthropic.com/v1",
    requiresKey: true,
    urlRule: "anthropic",
  },
  {
    id: "openai",
    displayName: "OpenAI",
    kind: "openai",
    keyEnv: ["OPENAI_API_KEY"],
    baseUrlEnv: ["OPENAI_BASE_URL"],
    defaultBaseUrl: "https://api.openai.com/v1",
    requiresKey: true,
    urlRule: "openai",
  },
  {
    id: "google",
    displayName: "Google Gemini",
    kind: "google",
    keyEnv: ["GOOGLE_GENERATIVE_AI_API_KEY", "GOOGLE_API_KEY"],
    baseUrlEnv: [],
    defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
    requiresKey: true,
    urlRule: "verbatim",
  },
  {
    id: "xai",
    displayName: "xAI",
    kind: "openai-compatible",
    keyEnv: ["XAI_API_KEY"],
    baseUrlEnv: [],
    defaultBaseUrl: "https://api.x.ai/v1",
    requiresKey: true,
    urlRule: "openai",
  },
  {
    id: "deepseek",
    displayName: "DeepSeek",
    kind: "openai-compatible",
    keyEnv: ["DEEPSEEK_API_KEY"],
    baseUrlEnv: [],
    defaultBaseUrl: "https://api.deepseek.com/v1",
    requiresKey: true,
    urlRule: "openai",
  },
  {
    id: "openrouter",
    displayName: "OpenRouter",
    kind: "openrouter",
    keyEnv: ["OPENROUTER_API_KEY"],
    baseUrlEnv: [],
    defaultBaseUrl: "https://openrouter.ai/api/v1",
    requiresKey: true,
    urlRule: "verbatim",
  },
  {
    id: "ollama",
    displayName: "Ollama",
    kind: "ollama",
    keyEnv: [],
    baseUrlEnv: ["OLLAMA_HOST"],
    defaultBaseUrl: "http://localhost:11434/api",
    requiresKey: false,
    urlRule: "ollama",
  },
];

export function builtinProvider(id: string): BuiltinProvider | undefined {
  return BUILTIN_PROVIDERS.find((p) => p.id === id);
}

/** Custom provider ids: lowercase letters, digits, `_`, `-`; never a built-in name. */
export const CUSTOM_PROVIDER_ID = /^[a-z0-9][a-z0-9_-]*$/;
