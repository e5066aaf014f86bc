/// The parameters of a Query request seen as the tree their dotted names describe
/// (`Tags.member.1.Key` is `Tags` → `member` → `1` → `Key`), without building one: the names
/// are sorted once so that every subtree is a contiguous run, and a node is that run plus where
/// its children's names start. Looking a child up is a binary search over bytes; nothing is
/// allocated per node, which keeps the decoder's cost per request small (a request with ten
/// parameters used to build some forty objects here) and bounded for a hostile one (a list of
/// 100,000 items costs a sort and a binary search per item, never a quadratic scan).
struct QueryParameterIndex {
    struct Entry {
        var key: [UInt8]
        var value: String
    }

    /// A subtree: the entries whose names start with the same segments, and the byte offset in
    /// each name where the next segment begins.
    struct Node {
        var range: Range<Int>
        var offset: Int
        /// The parameter named exactly by this node's path (`Tags=` for an empty list).
        var value: String?
    }

    let entries: [Entry]

    /// When a name is given twice, the later value wins.
    init(_ pairs: [(String, String)]) {
        var indexed = pairs.enumerated().map { (index: $0.offset, entry: Entry(key: Array($0.element.0.utf8), value: $0.element.1)) }
        indexed.sort { lhs, rhs in
            let order = Self.compare(lhs.entry.key, rhs.entry.key)
            return order != 0 ? order < 0 : lhs.index < rhs.index
        }
        var entries: [Entry] = []
        entries.reserveCapacity(indexed.count)
        for item in indexed {
            if let last = entries.last, last.key == item.entry.key {
                entries[entries.count - 1] = item.entry
            } else {
                entries.append(item.entry)
            }
        }
        self.entries = entries
    }

    var root: Node { Node(range: 0..<entries.count, offset: 0, value: nil) }

    /// Names ordered segment by segment: `.` sorts before every other byte and a name that ends
    /// sorts before every longer one, so each subtree's names are adjacent.
    static func compare(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        let count = min(lhs.count, rhs.count)
        var index = 0
        while index < count {
            let l = lhs[index]
            let r = rhs[index]
            if l != r {
                if l == 0x2E { return -1 }
                if r == 0x2E { return 1 }
                return l < r ? -1 : 1
            }
            index += 1
        }
        return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
    }

    /// Compares the segment of `key` that starts at `offset` with `name`. A name that has ended
    /// before `offset` (the node's own parameter) sorts first.
    static func compareSegment(_ key: [UInt8], at offset: Int, with name: UnsafeBufferPointer<UInt8>) -> Int {
        if offset > key.count { return -1 }
        var index = 0
        while true {
            let position = offset + index
            let keyEnded = position >= key.count || key[position] == 0x2E
            let nameEnded = index >= name.count
            if keyEnded || nameEnded { return keyEnded && nameEnded ? 0 : (keyEnded ? -1 : 1) }
            let k = key[position]
            let n = name[index]
            if k != n { return k < n ? -1 : 1 }
            index += 1
        }
    }

    /// The child of `node` named `name`, if any parameter lies under it.
    func child(_ node: Node, _ name: String) -> Node? {
        var name = name
        return name.withUTF8 { bytes -> Node? in
            // First entry whose segment is not below `name`, then first one above it.
            var low = node.range.lowerBound
            var high = node.range.upperBound
            while low < high {
                let middle = (low + high) / 2
                if Self.compareSegment(entries[middle].key, at: node.offset, with: bytes) < 0 { low = middle + 1 } else { high = middle }
            }
            let start = low
            high = node.range.upperBound
            while low < high {
                let middle = (low + high) / 2
                if Self.compareSegment(entries[middle].key, at: node.offset, with: bytes) <= 0 { low = middle + 1 } else { high = middle }
            }
            guard start < low else { return nil }
            let end = node.offset + bytes.count
            let exact = entries[start].key.count == end ? entries[start].value : nil
            return Node(range: start..<low, offset: end + 1, value: exact)
        }
    }
}
