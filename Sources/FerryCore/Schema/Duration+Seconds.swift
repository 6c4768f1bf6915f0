extension Duration {
    /// The duration in seconds, fractions kept: what Foundation's dates and timers take.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
