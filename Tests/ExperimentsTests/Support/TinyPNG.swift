// A minimal PNG encoder for tests (8-bit RGB, stored deflate blocks) and a check that a file is such a PNG.
import Foundation

enum TinyPNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    /// PNG bytes of a width × height RGB image whose pixel (x, y) is color(x, y).
    static func encode(width: Int, height: Int, color: (Int, Int) -> (UInt8, UInt8, UInt8)) -> Data {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)  // filter type none
            for x in 0..<width { let (r, g, b) = color(x, y); raw += [r, g, b] }
        }
        // zlib stream of stored blocks: header 0x78 0x01, blocks of ≤ 65535 bytes, Adler-32.
        var z: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, raw.count - offset)
            let final: UInt8 = offset + n == raw.count ? 1 : 0
            z += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            z += raw[offset..<offset + n]
            offset += n
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        z += bigEndian((b << 16) | a)
        let ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0]
        return Data(signature + chunk("IHDR", ihdr) + chunk("IDAT", z) + chunk("IEND", []))
    }

    /// A solid-colour PNG.
    static func solid(_ r: UInt8, _ g: UInt8, _ b: UInt8, size: Int = 4) -> Data {
        encode(width: size, height: size) { _, _ in (r, g, b) }
    }

    struct NotAPNG: Error, CustomStringConvertible { var description: String }

    /// Checks the signature and every chunk's CRC; returns the IDAT payload.
    static func validate(_ data: Data) throws -> [UInt8] {
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else { throw NotAPNG(description: "not a PNG signature") }
        var i = 8
        var idat: [UInt8] = []
        while i + 12 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard i + 12 + length <= bytes.count else { throw NotAPNG(description: "truncated chunk") }
            let body = Array(bytes[(i + 4)..<(i + 8 + length)])
            let stored = bigEndian(crc32(body))
            guard Array(bytes[(i + 8 + length)..<(i + 12 + length)]) == stored else { throw NotAPNG(description: "bad chunk CRC") }
            let type = String(decoding: body[0..<4], as: UTF8.self)
            if type == "IDAT" { idat += body[4...] }
            if type == "IEND" { return idat }
            i += 12 + length
        }
        throw NotAPNG(description: "no IEND chunk")
    }
}
