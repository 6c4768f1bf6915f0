/// The one error type that crosses module boundaries. Its `code` decides the HTTP status and the
/// CLI exit code (see `FerryError.Code`), so every layer reports failures the same way.
public struct FerryError: Error, Sendable, CustomStringConvertible {
    public let code: Code
    /// Says what went wrong and, where it can, what to do about it. Shown to people as is.
    public let message: String
    /// The field path the error is about (`source.config.branch`), for forms and CLI output.
    public let field: String?
    /// A lower-level cause, kept for logs; never shown to API clients.
    public let cause: (any Error)?

    public init(_ code: Code, _ message: String, field: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.cause = cause
    }

    public var description: String { message }

    /// Error classes. A struct wrapping a private enum, as NIO does, so new codes can be added
    /// without breaking exhaustive switches elsewhere.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidInput = "invalid_input"
            case notFound = "not_found"
            case conflict = "conflict"
            case unauthorized = "unauthorized"
            case forbidden = "forbidden"
            case tooManyRequests = "too_many_requests"
            case payloadTooLarge = "payload_too_large"
            case unsupportedMediaType = "unsupported_media_type"
            case misdirected = "misdirected"
            case unavailable = "unavailable"
            case failed = "failed"
            case `internal` = "internal"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let invalidInput = Code(.invalidInput)
        public static let notFound = Code(.notFound)
        public static let conflict = Code(.conflict)
        /// No credentials, or ones not accepted; never says which.
        public static let unauthorized = Code(.unauthorized)
        /// Authenticated, but the role or scope does not allow it.
        public static let forbidden = Code(.forbidden)
        /// Too many failed authentications from one client; retry later.
        public static let tooManyRequests = Code(.tooManyRequests)
        public static let payloadTooLarge = Code(.payloadTooLarge)
        /// A state-changing API body that is not JSON or YAML (a cross-site form post, say).
        public static let unsupportedMediaType = Code(.unsupportedMediaType)
        /// The request named a Host this server is not configured to answer (DNS rebinding).
        public static let misdirected = Code(.misdirected)
        public static let unavailable = Code(.unavailable)
        /// A job or external tool failed; the message says which and why.
        public static let failed = Code(.failed)
        public static let `internal` = Code(.internal)

        public var description: String { base.rawValue }

        /// The single mapping from error class to HTTP status.
        public var httpStatus: Int {
            switch base {
            case .invalidInput: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .tooManyRequests: 429
            case .notFound: 404
            case .conflict: 409
            case .payloadTooLarge: 413
            case .unsupportedMediaType: 415
            case .misdirected: 421
            case .unavailable: 503
            case .failed: 422
            case .internal: 500
            }
        }

        /// The single mapping from error class to CLI exit code.
        public var exitCode: Int32 {
            switch base {
            case .invalidInput: 2
            case .notFound: 3
            case .conflict: 4
            case .unauthorized: 5
            case .forbidden: 5
            case .tooManyRequests: 6
            case .payloadTooLarge: 2
            case .unsupportedMediaType: 2
            case .misdirected: 2
            case .unavailable: 6
            case .failed: 1
            case .internal: 70
            }
        }

        public init?(rawValue: String) {
            guard let base = Base(rawValue: rawValue) else { return nil }
            self.base = base
        }
    }
}

extension FerryError {
    public static func invalid(_ field: String, _ message: String) -> FerryError {
        FerryError(.invalidInput, "\(field): \(message)", field: field)
    }

    public static func notFound(_ what: String, _ name: String) -> FerryError {
        FerryError(.notFound, "\(what) \"\(name)\" not found")
    }
}
