/// Lets the client options come before the verb, as people type them (`ferry --server URL get
/// jobs`, kubectl's habit). ArgumentParser reads a verb's options only after the verb, so the
/// leading ones are moved behind it; everything from the verb on stays in its order.
enum GlobalArguments {
    /// Options every API-calling verb takes (`ClientOptions`), with whether they take a value.
    static let options: [String: Bool] = ["--server": true, "--token": true, "--output": true, "-o": true]

    static func normalized(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            let name = String(argument.prefix { $0 != "=" })
            guard let takesValue = options[name] else { break }
            leading.append(argument)
            if takesValue, !argument.contains("="), index + 1 < arguments.endIndex {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard !leading.isEmpty, index < arguments.endIndex else { return arguments }
        var rest = Array(arguments[index...])
        // After a `--` everything is a positional argument; the options go before it.
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
    }
}
