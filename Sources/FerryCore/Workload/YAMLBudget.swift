import CYaml
import Foundation

/// Measures a YAML (or JSON) text before it is composed: how deep it nests and how many nodes it
/// expands to once every alias is followed, from libyaml's event stream, in one linear pass.
///
/// Composing and converting a document are recursive and follow aliases, so a 1 KiB
/// "billion laughs" file (each anchor listing the previous one ten times) would take unbounded
/// memory and time, and a few MiB of `[` would overflow the stack. The event parser is
/// iterative, and an alias's expanded size and depth are known from its anchor, so this pass
/// refuses both before anything is built. Syntax errors are left to the composer, which
/// describes them better.
struct YAMLBudget {
    let depth: Int
    let nodes: Int

    enum Verdict: Equatable {
        case fits
        case tooDeep
        case tooManyNodes
    }

    /// What a finished collection or scalar weighs: nodes after expansion, levels below it.
    private struct Weight {
        var nodes: Int
        var depth: Int
    }

    private struct Frame {
        var anchor: String?
        var nodes = 1
        var depth = 1
    }

    func check(_ text: String) -> Verdict {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return .fits }
        defer { yaml_parser_delete(&parser) }
        let utf8 = Array(text.utf8)
        return utf8.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return scan(&parser)
        }
    }

    private func scan(_ parser: inout yaml_parser_t) -> Verdict {
        var anchors: [String: Weight] = [:]
        var stack: [Frame] = []
        var total = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                // libyaml stops at its own nesting bound (1,000) while scanning ahead, before the
                // events that would reach ours; any other syntax error is the composer's to report.
                let problem = parser.problem.map { String(cString: $0) } ?? ""
                return problem.contains("nesting level") ? .tooDeep : .fits
            }
            defer { yaml_event_delete(&event) }
            var finished: (anchor: String?, weight: Weight)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return .fits
            case YAML_DOCUMENT_START_EVENT:
                anchors = [:]
            case YAML_SEQUENCE_START_EVENT:
                stack.append(Frame(anchor: Self.text(event.data.sequence_start.anchor)))
                if stack.count > depth { return .tooDeep }
            case YAML_MAPPING_START_EVENT:
                stack.append(Frame(anchor: Self.text(event.data.mapping_start.anchor)))
                if stack.count > depth { return .tooDeep }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return .fits }
                finished = (frame.anchor, Weight(nodes: frame.nodes, depth: frame.depth))
            case YAML_SCALAR_EVENT:
                finished = (Self.text(event.data.scalar.anchor), Weight(nodes: 1, depth: 0))
            case YAML_ALIAS_EVENT:
                // An unknown alias is the composer's error to report.
                let weight = Self.text(event.data.alias.anchor).flatMap { anchors[$0] } ?? Weight(nodes: 1, depth: 0)
                finished = (nil, weight)
            default:
                break
            }
            guard let (anchor, weight) = finished else { continue }
            if let anchor { anchors[anchor] = weight }
            if stack.count + weight.depth > depth { return .tooDeep }
            if var parent = stack.popLast() {
                parent.nodes += weight.nodes
                parent.depth = max(parent.depth, weight.depth + 1)
                if parent.nodes > nodes { return .tooManyNodes }
                stack.append(parent)
            } else {
                total += weight.nodes
                if total > nodes { return .tooManyNodes }
            }
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
