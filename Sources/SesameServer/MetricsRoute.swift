import Hummingbird
import NIOCore
import Prometheus
import SesameHTTP

/// `GET /metrics`: the node's metrics in Prometheus's text format, for a scraper on this host
/// (requests from other addresses are refused: the figures say what mail goes where).
enum MetricsRoute {
    static func add(to router: Router<SesameRequestContext>, registry: PrometheusCollectorRegistry) {
        router.get("/metrics") { _, context -> Response in
            guard let ip = context.remoteAddress?.ipAddress, ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.") else {
                return Response(
                    status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "Metrics are served to this host only (loopback).\n")))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
