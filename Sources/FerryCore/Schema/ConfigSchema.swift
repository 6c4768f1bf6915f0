/// The JSON-Schema subset every plugin publishes for its config and its actions' parameters.
///
/// One schema drives three things: validation of API/CLI/YAML input (`SchemaValidator`), the web
/// wizard's generated form, and the docs. It is a class because schemas nest (objects and arrays).
public final class ConfigSchema: Sendable {
    public enum SchemaType: String, Sendable, Codable {
        case string, integer, number, boolean, array, object
    }

    /// Hints beyond the type: how the wizard renders a field and what extra checks apply.
    public enum Format: String, Sendable, Codable {
        /// Stored as an env secret, rendered as a password field, never echoed.
        case secret
        case cron
        case url
        /// `30s`, `5m`, `12h`, `1d`.
        case duration
    }

    /// A named member of an object schema; an array keeps the declared order for forms.
    public struct Property: Sendable {
        public let name: String
        public let schema: ConfigSchema
        public init(_ name: String, _ schema: ConfigSchema) {
            self.name = name
            self.schema = schema
        }
    }

    public let type: SchemaType
    public let description: String?
    public let properties: [Property]
    public let required: [String]
    public let enumValues: [JSONValue]?
    public let defaultValue: JSONValue?
    public let pattern: String?
    public let minimum: Double?
    public let maximum: Double?
    public let items: ConfigSchema?
    public let format: Format?
    /// For objects whose keys are not known in advance (job parameters taken from a log line's
    /// captures): every member not listed in `properties` must match this schema. Nil: such
    /// members are unknown fields.
    public let additionalProperties: ConfigSchema?

    public init(
        type: SchemaType,
        description: String? = nil,
        properties: [Property] = [],
        required: [String] = [],
        enumValues: [JSONValue]? = nil,
        defaultValue: JSONValue? = nil,
        pattern: String? = nil,
        minimum: Double? = nil,
        maximum: Double? = nil,
        items: ConfigSchema? = nil,
        format: Format? = nil,
        additionalProperties: ConfigSchema? = nil
    ) {
        self.type = type
        self.description = description
        self.properties = properties
        self.required = required
        self.enumValues = enumValues
        self.defaultValue = defaultValue
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
        self.items = items
        self.format = format
        self.additionalProperties = additionalProperties
    }

    public func property(_ name: String) -> ConfigSchema? {
        properties.first { $0.name == name }?.schema
    }
}

extension ConfigSchema {
    public static func string(
        _ description: String? = nil, default value: String? = nil, pattern: String? = nil,
        format: Format? = nil, enum values: [String]? = nil
    ) -> ConfigSchema {
        ConfigSchema(
            type: .string, description: description, enumValues: values?.map(JSONValue.string),
            defaultValue: value.map(JSONValue.string), pattern: pattern, format: format)
    }

    public static func integer(
        _ description: String? = nil, default value: Int? = nil, minimum: Int? = nil, maximum: Int? = nil
    ) -> ConfigSchema {
        ConfigSchema(
            type: .integer, description: description, defaultValue: value.map { .number(Double($0)) },
            minimum: minimum.map(Double.init), maximum: maximum.map(Double.init))
    }

    public static func number(
        _ description: String? = nil, default value: Double? = nil, minimum: Double? = nil, maximum: Double? = nil
    ) -> ConfigSchema {
        ConfigSchema(type: .number, description: description, defaultValue: value.map(JSONValue.number), minimum: minimum, maximum: maximum)
    }

    public static func boolean(_ description: String? = nil, default value: Bool? = nil) -> ConfigSchema {
        ConfigSchema(type: .boolean, description: description, defaultValue: value.map(JSONValue.bool))
    }

    public static func array(_ items: ConfigSchema, _ description: String? = nil) -> ConfigSchema {
        ConfigSchema(type: .array, description: description, items: items)
    }

    public static func object(
        _ properties: [Property], required: [String] = [], _ description: String? = nil
    ) -> ConfigSchema {
        ConfigSchema(type: .object, description: description, properties: properties, required: required)
    }

    /// An object of free keys whose values all match `values` (`{package: "$package"}`).
    public static func map(_ values: ConfigSchema, _ description: String? = nil) -> ConfigSchema {
        ConfigSchema(type: .object, description: description, additionalProperties: values)
    }

    /// An object with no members: the schema of a plugin or action that takes no config.
    public static let empty = ConfigSchema.object([])
}

extension ConfigSchema: Encodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Encodes as standard JSON Schema, plus `x-order` so forms keep the declared field order.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(type, forKey: Key("type"))
        try c.encodeIfPresent(description, forKey: Key("description"))
        if type == .object {
            var props = c.nestedContainer(keyedBy: Key.self, forKey: Key("properties"))
            for p in properties { try props.encode(p.schema, forKey: Key(p.name)) }
            try c.encode(properties.map(\.name), forKey: Key("x-order"))
            if !required.isEmpty { try c.encode(required, forKey: Key("required")) }
            if let additionalProperties {
                try c.encode(additionalProperties, forKey: Key("additionalProperties"))
            } else {
                try c.encode(false, forKey: Key("additionalProperties"))
            }
        }
        try c.encodeIfPresent(enumValues, forKey: Key("enum"))
        try c.encodeIfPresent(defaultValue, forKey: Key("default"))
        try c.encodeIfPresent(pattern, forKey: Key("pattern"))
        try c.encodeIfPresent(minimum, forKey: Key("minimum"))
        try c.encodeIfPresent(maximum, forKey: Key("maximum"))
        try c.encodeIfPresent(items, forKey: Key("items"))
        try c.encodeIfPresent(format, forKey: Key("format"))
    }
}
