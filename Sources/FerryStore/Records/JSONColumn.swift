import FerryCore
import Foundation

/// Nested values (specs, configs, payloads) are kept as JSON text: they are read whole and never
/// queried by their insides, so columns for them would only add migrations.
enum JSONColumn {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// Plain JSON values (configs, payloads, details) skip `JSONDecoder`: the direct parser
    /// reads them several times faster.
    static func decode(_ type: JSONValue.Type, _ text: String) throws -> JSONValue {
        do { return try JSONValue(parsing: text) } catch {
            throw FerryError(.internal, "stored JSONValue is unreadable: \(error)", cause: error)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(T.self, from: Data(text.utf8)) } catch {
            throw FerryError(.internal, "stored \(T.self) is unreadable: \(error)", cause: error)
        }
    }
}
