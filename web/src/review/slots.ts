/**
 * React keys for the rows in view that let a line leaving the view hand its elements to one
 * coming in: while the diff scrolls, React then updates a few texts and classes in place rather
 * than removing a screenful of rows and building as many (most of a scrolled frame's cost).
 * A row keeps its slot while it stays in view, so rows that did not change are not drawn again.
 * Only lines are recycled: headers hold buttons, which must not turn into another file's or hunk's
 * under the focus.
 */
export class RowSlots {
  private byKey = new Map<string, number>();

  /** The key of each row in view, in order (`recycle` false: the row's own key). */
  keys(rows: { key: string; recycle: boolean }[]): string[] {
    const next = new Map<string, number>();
    const taken = new Set<number>();
    for (const r of rows) {
      const s = r.recycle ? this.byKey.get(r.key) : undefined;
      if (s === undefined) continue;
      next.set(r.key, s);
      taken.add(s);
    }
    let free = 0;
    const out = rows.map((r) => {
      if (!r.recycle) return r.key;
      let s = next.get(r.key);
      if (s === undefined) {
        while (taken.has(free)) free++;
        s = free;
        taken.add(s);
        next.set(r.key, s);
      }
      return `\0slot${s}`;
    });
    this.byKey = next;
    return out;
  }
}
