import { memo, useState } from "react";
import { createBlockSplitter, protectCurrency } from "../markdownBlocks";
import { hasMath, type MathPlugins, useMath } from "./math";
import { renderBlock } from "./render";

const Block = memo(function Block({ text, math }: { text: string; math: MathPlugins | null }) {
  return renderBlock(math ? protectCurrency(text) : text, math);
});

const MathAwareBlock = memo(function MathAwareBlock({ text }: { text: string }) {
  const math = useMath(hasMath(text));
  return <Block text={text} math={math} />;
});

/**
 * Markdown (GFM, with math and mermaid loaded lazily) rendered block by block. While a message
 * streams, only its last blocks are split again and only its last block is parsed again; a
 * finished block is parsed once (render.tsx keeps it, across re-renders and remounts).
 */
export const Markdown = memo(function Markdown({ text, className = "" }: { text: string; className?: string }) {
  // Splitting the same text again returns the same blocks, so this is safe to call in render.
  const [split] = useState(createBlockSplitter);
  const blocks = split(text);
  return (
    <div className={`mux-md ${className}`}>
      {blocks.map((b, i) => (
        <MathAwareBlock key={i} text={b} />
      ))}
    </div>
  );
});
