/**
 * The ordered half of a sorted set: a skip list ordered by (score, member bytes) whose links carry
 * spans (how many nodes each link jumps over), so rank ↔ node lookups are O(log n) like Redis's
 * zskiplist (t_zset.c). Members compare as one-byte strings, so JS `<` is byte order (memcmp).
 *
 * `visits` counts nodes stepped over by every search. It is a test seam: the cost test asserts
 * that it grows logarithmically with the number of members, without timing anything.
 */
import { ARRAY_BYTES, HEAP_NUMBER_BYTES, objectBytes } from '../memory-model.js';
import { lexAboveMin, lexBelowMax, type LexRange, scoreAboveMin, scoreBelowMax, type ScoreRange } from './ranges.js';

const MAX_LEVEL = 32;
/** Redis's ZSKIPLIST_P: each level holds about a quarter of the nodes of the level below. */
const LEVEL_PROBABILITY = 0.25;

export class SkipNode {
  /** The previous node at level 0, or null for the first node. */
  backward: SkipNode | null = null;
  readonly next: Array<SkipNode | null>;
  /** span[i]: how many level-0 steps the link next[i] covers. */
  readonly span: number[];

  constructor(
    public score: number,
    readonly member: string,
    level: number,
  ) {
    this.next = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** A node: its object (5 fields), its boxed score, and its two level arrays. */
function nodeBytes(level: number): number {
  return objectBytes(5) + HEAP_NUMBER_BYTES + 2 * (ARRAY_BYTES + level * 8);
}

/** The list object (8 fields), its 32-level header node and its two search buffers. */
export const SKIP_LIST_FIXED_BYTES = objectBytes(8) + nodeBytes(MAX_LEVEL) + 2 * (ARRAY_BYTES + MAX_LEVEL * 8);

function precedes(node: SkipNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < LEVEL_PROBABILITY) level++;
  return level;
}

export class SkipList {
  private readonly header = new SkipNode(0, '', MAX_LEVEL);
  private level = 1;
  /** Reused search buffers: the rightmost node before the target, and its rank, per level. */
  private readonly update = new Array<SkipNode>(MAX_LEVEL).fill(this.header);
  private readonly rankAt = new Array<number>(MAX_LEVEL).fill(0);
  tail: SkipNode | null = null;
  length = 0;
  visits = 0;
  /** Heap bytes of the linked nodes (member strings are counted by the sorted set's index). */
  nodeBytes = 0;

  get first(): SkipNode | null {
    return this.header.next[0] ?? null;
  }

  insert(score: number, member: string): SkipNode {
    const { update, rankAt } = this;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1]!;
      for (let next = x.next[i]; next != null && precedes(next, score, member); next = x.next[i]) {
        rankAt[i]! += x.span[i]!;
        x = next;
        this.visits++;
      }
      update[i] = x;
    }
    const level = randomLevel();
    for (let i = this.level; i < level; i++) {
      rankAt[i] = 0;
      update[i] = this.header;
      this.header.span[i] = this.length;
    }
    this.level = Math.max(this.level, level);
    return this.link(new SkipNode(score, member, level));
  }

  /** Removes the node with this score and member; false when there is none. */
  delete(score: number, member: string): boolean {
    const x = this.positionBefore((node) => precedes(node, score, member));
    if (x === null || x.score !== score || x.member !== member) return false;
    this.unlinkAt(x);
    return true;
  }

  /** Changes a node's score, moving it only when its neighbours no longer bracket the new score. */
  updateScore(node: SkipNode, score: number): SkipNode {
    const previous = node.backward;
    const next = node.next[0] ?? null;
    if ((previous === null || previous.score < score) && (next === null || next.score > score)) {
      node.score = score;
      return node;
    }
    this.delete(node.score, node.member);
    return this.insert(score, node.member);
  }

  /** 1-based rank of (score, member), or 0 when absent. */
  rankOf(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.next[i]; next != null && (precedes(next, score, member) || (next.score === score && next.member === member)); next = x.next[i]) {
        rank += x.span[i]!;
        x = next;
        this.visits++;
      }
      if (x !== this.header && x.member === member) return rank;
    }
    return 0;
  }

  /** The node at a 1-based rank, or null outside [1, length]. */
  byRank(rank: number): SkipNode | null {
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.next[i]; next != null && traversed + x.span[i]! <= rank; next = x.next[i]) {
        traversed += x.span[i]!;
        x = next;
        this.visits++;
      }
      if (traversed === rank) return x === this.header ? null : x;
    }
    return null;
  }

  firstInScoreRange(range: ScoreRange): SkipNode | null {
    const x = this.positionBefore((node) => !scoreAboveMin(node.score, range));
    return x !== null && scoreBelowMax(x.score, range) ? x : null;
  }

  lastInScoreRange(range: ScoreRange): SkipNode | null {
    const x = this.lastWhere((node) => scoreBelowMax(node.score, range));
    return x !== null && scoreAboveMin(x.score, range) ? x : null;
  }

  firstInLexRange(range: LexRange): SkipNode | null {
    const x = this.positionBefore((node) => !lexAboveMin(node.member, range));
    return x !== null && lexBelowMax(x.member, range) ? x : null;
  }

  lastInLexRange(range: LexRange): SkipNode | null {
    const x = this.lastWhere((node) => lexBelowMax(node.member, range));
    return x !== null && lexAboveMin(x.member, range) ? x : null;
  }

  /** Deletes every node in the score range in O(log n + removed); reports each removed node. */
  deleteScoreRange(range: ScoreRange, removed: (node: SkipNode) => void): number {
    const first = this.positionBefore((node) => !scoreAboveMin(node.score, range));
    return this.unlinkWhile(first, (node) => scoreBelowMax(node.score, range), removed);
  }

  deleteLexRange(range: LexRange, removed: (node: SkipNode) => void): number {
    const first = this.positionBefore((node) => !lexAboveMin(node.member, range));
    return this.unlinkWhile(first, (node) => lexBelowMax(node.member, range), removed);
  }

  /** Deletes the nodes at 1-based ranks [start, end]. */
  deleteRankRange(start: number, end: number, removed: (node: SkipNode) => void): number {
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.next[i]; next != null && traversed + x.span[i]! < start; next = x.next[i]) {
        traversed += x.span[i]!;
        x = next;
        this.visits++;
      }
      this.update[i] = x;
    }
    let rank = traversed + 1;
    return this.unlinkWhile(x.next[0] ?? null, () => rank++ <= end, removed);
  }

  /** Fills `update` with the last node per level for which `before` holds; returns the next node. */
  private positionBefore(before: (node: SkipNode) => boolean): SkipNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.next[i]; next != null && before(next); next = x.next[i]) {
        x = next;
        this.visits++;
      }
      this.update[i] = x;
    }
    return x.next[0] ?? null;
  }

  /** The last node for which `within` holds (nodes satisfying it form a prefix), or null. */
  private lastWhere(within: (node: SkipNode) => boolean): SkipNode | null {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.next[i]; next != null && within(next); next = x.next[i]) {
        x = next;
        this.visits++;
      }
    }
    return x === this.header ? null : x;
  }

  private unlinkWhile(first: SkipNode | null, within: (node: SkipNode) => boolean, removed: (node: SkipNode) => void): number {
    let count = 0;
    for (let x = first; x !== null && within(x); ) {
      const next = x.next[0] ?? null;
      this.unlinkAt(x);
      removed(x);
      count++;
      x = next;
    }
    return count;
  }

  /** Links a new node after the nodes in `update` (ranks in `rankAt`), as Redis's zslInsert. */
  private link(node: SkipNode): SkipNode {
    const { update, rankAt } = this;
    const level = node.next.length;
    for (let i = 0; i < level; i++) {
      const before = update[i]!;
      node.next[i] = before.next[i] ?? null;
      before.next[i] = node;
      node.span[i] = before.span[i]! - (rankAt[0]! - rankAt[i]!);
      before.span[i] = rankAt[0]! - rankAt[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    const after = node.next[0];
    if (after != null) after.backward = node;
    else this.tail = node;
    this.length++;
    this.nodeBytes += nodeBytes(level);
    return node;
  }

  /** Removes `node`, whose predecessors per level are in `update` (Redis's zslDeleteNode). */
  private unlinkAt(node: SkipNode): void {
    for (let i = 0; i < this.level; i++) {
      const before = this.update[i]!;
      if (before.next[i] === node) {
        before.span[i]! += node.span[i]! - 1;
        before.next[i] = node.next[i] ?? null;
      } else {
        before.span[i]!--;
      }
    }
    const after = node.next[0];
    if (after != null) after.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.header.next[this.level - 1] == null) this.level--;
    this.length--;
    this.nodeBytes -= nodeBytes(node.next.length);
  }
}
