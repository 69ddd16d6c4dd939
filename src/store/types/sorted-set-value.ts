import type { AggregateValue } from '../entry.js';
import { DenseMap } from './dense-set.js';
import { lexRangeCanMatch, type LexRange, scoreRangeCanMatch, type ScoreRange } from './ranges.js';
import { SKIP_LIST_FIXED_BYTES, SkipList, type SkipNode } from './skip-list.js';
import { objectBytes } from '../memory-model.js';

/** The sorted set (list, nodes, chargedBytes), its skip list's fixed parts, the index object (5 fields). */
const ZSET_FIXED_BYTES = objectBytes(3) + SKIP_LIST_FIXED_BYTES + objectBytes(5);

/**
 * A Redis sorted set: Redis's own pairing of a skip list (order, ranks, ranges in O(log n)) with
 * a member → node index (ZSCORE in O(1)). The index is a DenseMap, so ZRANDMEMBER picks a random
 * member in O(1) and ZSCAN has SCAN's guarantees. Ranks here are 0-based, as the commands use them.
 */
export class SortedSetValue implements AggregateValue {
  /** Public for range walks (`node.next[0]`, `node.backward`) and the cost test's `visits`. */
  readonly list = new SkipList();
  private readonly nodes = new DenseMap<SkipNode>();
  chargedBytes = 0;

  get type(): 'zset' {
    return 'zset';
  }

  get sizeBytes(): number {
    return ZSET_FIXED_BYTES + this.list.nodeBytes + this.nodes.heapBytes();
  }

  get size(): number {
    return this.nodes.size;
  }

  static of(entries: Iterable<readonly [string, number]>): SortedSetValue {
    const zset = new SortedSetValue();
    for (const [member, score] of entries) zset.set(member, score);
    return zset;
  }

  score(member: string): number | undefined {
    return this.nodes.get(member)?.score;
  }

  /** Sets a member's score; returns true when the member is new. */
  set(member: string, score: number): boolean {
    const node = this.nodes.get(member);
    if (node === undefined) {
      this.nodes.set(member, this.list.insert(score, member));
      return true;
    }
    if (node.score !== score) this.nodes.set(member, this.list.updateScore(node, score));
    return false;
  }

  delete(member: string): boolean {
    const node = this.nodes.get(member);
    if (node === undefined) return false;
    this.list.delete(node.score, member);
    this.nodes.delete(member);
    return true;
  }

  /** 0-based rank from the lowest score, or undefined when the member is absent. */
  rank(member: string): number | undefined {
    const node = this.nodes.get(member);
    return node === undefined ? undefined : this.list.rankOf(node.score, member) - 1;
  }

  /** The node at a 0-based rank, or null. */
  at(rank: number): SkipNode | null {
    return this.list.byRank(rank + 1);
  }

  rankOfNode(node: SkipNode): number {
    return this.list.rankOf(node.score, node.member) - 1;
  }

  firstInScoreRange(range: ScoreRange): SkipNode | null {
    return scoreRangeCanMatch(range) ? this.list.firstInScoreRange(range) : null;
  }

  lastInScoreRange(range: ScoreRange): SkipNode | null {
    return scoreRangeCanMatch(range) ? this.list.lastInScoreRange(range) : null;
  }

  firstInLexRange(range: LexRange): SkipNode | null {
    return lexRangeCanMatch(range) ? this.list.firstInLexRange(range) : null;
  }

  lastInLexRange(range: LexRange): SkipNode | null {
    return lexRangeCanMatch(range) ? this.list.lastInLexRange(range) : null;
  }

  deleteScoreRange(range: ScoreRange): number {
    if (!scoreRangeCanMatch(range)) return 0;
    return this.list.deleteScoreRange(range, (node) => this.nodes.delete(node.member));
  }

  deleteLexRange(range: LexRange): number {
    if (!lexRangeCanMatch(range)) return 0;
    return this.list.deleteLexRange(range, (node) => this.nodes.delete(node.member));
  }

  /** Deletes 0-based ranks [start, end], already clamped to the set. */
  deleteRankRange(start: number, end: number): number {
    return this.list.deleteRankRange(start + 1, end + 1, (node) => this.nodes.delete(node.member));
  }

  /** A uniformly random member's node (the set must not be empty). */
  randomNode(): SkipNode {
    return this.nodes.valueAt(this.nodes.randomPosition());
  }

  /** The node at a storage position in [0, size) (not a rank): for random picks in O(1). */
  nodeAtPosition(position: number): SkipNode {
    return this.nodes.valueAt(position);
  }

  /** SCAN over members (see DenseSet for the guarantees). */
  scan(cursor: number, count: number, visit: (node: SkipNode) => void): number {
    return this.nodes.scan(cursor, count, (position) => visit(this.nodes.valueAt(position)));
  }

  /** Nodes in ascending (score, member) order. */
  *ascending(): IterableIterator<SkipNode> {
    for (let node = this.list.first; node !== null; node = node.next[0] ?? null) yield node;
  }

  clone(): SortedSetValue {
    const copy = new SortedSetValue();
    for (const node of this.ascending()) copy.set(node.member, node.score);
    return copy;
  }
}
