import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers a surface GET or HEAD whose answer `SurfaceAnswers` already holds on the event loop
/// that read it. Everything else passes on to Hummingbird unchanged. A request through the
/// router costs two hops between threads (event loop → concurrency pool → event loop) and the
/// whole middleware chain; a site file, a p2 file or a 304 asked for again needs none of that.
///
/// Answers leave in request order: while a request it passed on is still being answered, the
/// next ones pass on too (HTTP/1.1 pipelining), so a quick answer never overtakes a slow one.
final class SurfaceFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let answers: SurfaceAnswers
    /// Requests passed on whose answer has not ended yet.
    private var passedOn = 0
    /// The answer to the request being read, when this handler answers it (its body is dropped).
    private var answering: (answer: SurfaceAnswers.Answer, head: Bool)?
    private var date = HTTPDateText()

    init(answers: SurfaceAnswers) { self.answers = answers }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if passedOn == 0, let answer = answers.answer(to: request) {
                answering = (answer, request.method == .head)
                return
            }
            passedOn += 1
            context.fireChannelRead(data)
        case .body:
            if answering == nil { context.fireChannelRead(data) }
        case .end:
            guard let (answer, head) = answering else { return context.fireChannelRead(data) }
            answering = nil
            var response = answer.head
            response.headerFields[.date] = date.now()
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            if !head, answer.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(answer.body)), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }
}
