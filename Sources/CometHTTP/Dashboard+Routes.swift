import Hummingbird
import NIOCore

/// The dashboard: one page (`/`) and its script and style, compiled into the binary
/// (`resources: [.embedInCode("Dashboard")]`), served with no external references, so it works
/// offline and from a bare release binary.
enum Dashboard {
    static func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in asset(PackageResources.index_html, "text/html; charset=utf-8") }
        router.get("assets/app.js") { _, _ in asset(PackageResources.app_js, "text/javascript; charset=utf-8") }
        router.get("assets/style.css") { _, _ in asset(PackageResources.style_css, "text/css; charset=utf-8") }
    }

    private static func asset(_ bytes: [UInt8], _ type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-cache",
                // Everything is same-origin: no CDN, no inline script.
                .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
