import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";

/**
 * A page's readable part as Markdown: the article Readability finds (menus, ads and footers
 * left out), or the whole body when it finds none; scripts and styles never count.
 */
export function htmlToMarkdown(html: string): { title?: string; content: string } {
  const { document } = parseHTML(html);
  for (const el of document.querySelectorAll("script, style, noscript, template")) el.remove();
  const fallbackTitle = document.querySelector("title")?.textContent?.trim() || undefined;
  const bodyHtml = document.body?.innerHTML ?? html;
  let article: { title?: string | null; content?: string | null } | null = null;
  try {
    // Readability changes the document it reads: it gets its own.
    article = new Readability(parseHTML(document.toString()).document as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: 100,
    }).parse();
  } catch {
    article = null;
  }
  const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-" });
  turndown.remove(["script", "style", "noscript", "iframe"] as never);
  const content = turndown.turndown(article?.content || bodyHtml).trim();
  return { title: article?.title?.trim() || fallbackTitle, content };
}
