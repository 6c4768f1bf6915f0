/// A chart a source adds to its workload page: a caption and the chart itself as inline SVG
/// (`BarChart`), which the page embeds as is.
public struct SourceChart: Sendable, Equatable {
    public var title: String
    public var svg: String

    public init(title: String, svg: String) {
        self.title = title
        self.svg = svg
    }
}
