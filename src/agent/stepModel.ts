import { type LanguageModel, type LanguageModelMiddleware, type LanguageModelUsage, wrapLanguageModel } from "ai";
import { type ReportedUsage, usageReportedIn } from "../providers/reportedUsage.js";
import { DeltaPacer } from "./deltaPacing.js";

type StreamResult = Awaited<ReturnType<Parameters<NonNullable<LanguageModelMiddleware["wrapStream"]>>[0]["doStream"]>>;
type StreamPart = StreamResult["stream"] extends ReadableStream<infer P> ? P : never;
type ModelUsage = Extract<StreamPart, { type: "finish" }>["usage"];
type WrappableModel = Parameters<typeof wrapLanguageModel>[0]["model"];

const MARKER = Symbol.for("mux.step-finished");

/**
 * Injected into the stream (as a `raw` part) right before the model's `finish` part, so whoever
 * reads `fullStream` knows that every part of the step's response is behind it, and what the
 * step cost, before the SDK starts the step's tools (it runs them once it sees `finish`).
 */
export interface StepFinishedMarker {
  [MARKER]: true;
  /** Undefined when the response ended without a `finish` part. */
  usage: LanguageModelUsage | undefined;
  finishReason: string;
}

export function isStepFinishedMarker(value: unknown): value is StepFinishedMarker {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
}

export interface ModelHooks {
  /** A request is about to be sent. */
  onRequest(): void;
  /** The response produced a part (the stream is alive). */
  onChunk(): void;
  /** The response is complete, or failed: nothing more is expected from the provider. */
  onResponseEnd(): void;
  /** The provider reported (some of) the response's usage before its end (see reportedUsage.ts). */
  onUsageReported?(usage: ReportedUsage): void;
  /** What the response shows as it streams, in order (see {@link OutputPart}); must not throw. */
  onOutput(part: OutputPart): void;
}

/**
 * The parts that make what a response shows: its text and reasoning as they grow, where a
 * reasoning ends, where each tool call starts (`tool-call`: for providers that send no
 * `tool-input-start`). They go to the reader straight from the provider's stream, paced (see
 * deltaPacing.ts): a part entering the SDK's stream passes ten stream stages (its tool loop, its
 * step bookkeeping, the tee of its result…) before it reaches the reader, which was most of the
 * server's CPU per delta. The deltas stay out of the SDK's stream (it needs no text: each step's
 * conversation comes from prepareStep), and so do the tool inputs' deltas (no tool of ours reads
 * its input as it streams); the other three are also passed on, the SDK needs them.
 */
export type OutputPart = Extract<StreamPart, { type: "text-delta" | "reasoning-delta" | "reasoning-end" | "tool-input-start" | "tool-call" }>;

/** The same conversion the SDK applies to the `finish` part's usage. */
function toSdkUsage(u: ModelUsage): LanguageModelUsage {
  const add = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
  return {
    inputTokens: u.inputTokens.total,
    inputTokenDetails: {
      noCacheTokens: u.inputTokens.noCache,
      cacheReadTokens: u.inputTokens.cacheRead,
      cacheWriteTokens: u.inputTokens.cacheWrite,
    },
    outputTokens: u.outputTokens.total,
    outputTokenDetails: { textTokens: u.outputTokens.text, reasoningTokens: u.outputTokens.reasoning },
    totalTokens: add(u.inputTokens.total, u.outputTokens.total),
    reasoningTokens: u.outputTokens.reasoning,
    cachedInputTokens: u.inputTokens.cacheRead,
  } as LanguageModelUsage;
}

/** How many parts may wait for the SDK to take them before the provider's stream waits. */
const BACKLOG = 64;

/** Parts that mean the model produced something (the SDK's notion of "output"). */
const NOT_OUTPUT = new Set(["stream-start", "response-metadata", "finish", "error", "raw"]);

/**
 * Wraps a provider model so each streamed response carries a {@link StepFinishedMarker} (pass
 * `includeRawChunks: true` to streamText; the provider's own raw chunks are not passed on),
 * hands what the response shows to `onOutput` (see {@link OutputPart}), reports liveness for
 * stall detection, and the usage the provider reports before the end.
 */
export function instrumentModel(model: LanguageModel, hooks: ModelHooks): LanguageModel {
  return wrapLanguageModel({
    model: model as WrappableModel,
    middleware: {
      specificationVersion: "v3",
      wrapStream: async ({ params, model: inner }) => {
        hooks.onRequest();
        let result: StreamResult;
        try {
          // The provider's raw chunks are read for the usage they report, then dropped.
          result = await inner.doStream({ ...params, includeRawChunks: true });
        } catch (err) {
          hooks.onResponseEnd();
          throw err;
        }
        let finished = false;
        let produced = false;
        /** A part went to the SDK since the read loop below last started. */
        let given = false;
        let pacer: DeltaPacer<StreamPart> | undefined;
        const take = (part: StreamPart) => {
          if (part.type === "raw") {
            const usage = finished ? undefined : usageReportedIn(part.rawValue);
            if (usage) hooks.onUsageReported?.(usage);
            return;
          }
          if (finished) return pacer?.push(part);
          hooks.onChunk();
          if (part.type === "finish") {
            finished = true;
            hooks.onResponseEnd();
            const marker: StepFinishedMarker = { [MARKER]: true, usage: toSdkUsage(part.usage), finishReason: part.finishReason.unified };
            pacer?.push({ type: "raw", rawValue: marker });
          } else if (!NOT_OUTPUT.has(part.type)) {
            produced = true;
            if (part.type === "tool-input-delta") return;
          }
          pacer?.push(part);
        };
        const end = () => {
          hooks.onResponseEnd();
          // Ended without `finish`: the SDK still closes the step (no usage, reason "other")
          // when the model produced anything; otherwise it reports an error of its own.
          if (!finished && produced) {
            const marker: StepFinishedMarker = { [MARKER]: true, usage: undefined, finishReason: "other" };
            pacer?.push({ type: "raw", rawValue: marker });
          }
          pacer?.release();
        };
        // Read here rather than piped through a TransformStream: one read per part of the
        // provider's stream, without a writer, a transform call and their promises on top.
        const reader = result.stream.getReader();
        const stream = new ReadableStream<StreamPart>(
          {
            start(controller) {
              pacer = new DeltaPacer((part) => {
                switch (part.type) {
                  case "text-delta":
                  case "reasoning-delta":
                    return hooks.onOutput(part);
                  case "reasoning-end":
                  case "tool-input-start":
                  case "tool-call":
                    hooks.onOutput(part);
                }
                controller.enqueue(part);
                given = true;
              });
            },
            // Reads on until a part went to the SDK: most go to onOutput alone.
            async pull(controller) {
              given = false;
              while (!given) {
                const { done, value } = await reader.read();
                if (done) {
                  end();
                  controller.close();
                  return;
                }
                take(value);
              }
            },
            cancel: (reason) => reader.cancel(reason),
          },
          { highWaterMark: BACKLOG },
        );
        return { ...result, stream };
      },
    },
  });
}
