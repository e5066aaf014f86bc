import Hummingbird
import NIOCore
import Prometheus
import SesameCore
import SesameHTTP

/// `GET /metrics`: the node's metrics in Prometheus's text format, for a scraper on this host
/// or at an address the operator allows (`--metrics-allow CIDR`); others are refused (the
/// figures say what mail goes where). No signature: scrapers do not sign.
enum MetricsRoute {
    static func add(to router: Router<SesameRequestContext>, registry: PrometheusCollectorRegistry, allowed: AddressAllowList) {
        router.get("/metrics") { _, context -> Response in
            guard let ip = context.clientAddress, allowed.allows(ip) else {
                return Response(
                    status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: "Metrics are served to this host (loopback) and to the addresses --metrics-allow names.\n")))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
