import CFFmpeg

/// The moving test picture of generated clips, drawn straight into a YUV 4:2:0 frame:
/// colour bars scrolling left (motion everywhere, so encoders do real work), a luminance ramp
/// scrolling right (smooth gradients, where banding would show), and a frame counter: the
/// frame number as 16 black/white blocks, so a decoded frame says which frame it is.
///
/// Drawn row by row: one row of each region is computed and copied down, so even 2160p
/// costs a few `memcpy`s per row, not per-pixel Swift work.
enum TestPattern {
    /// 75 % colour bars in BT.601 limited-range Y, Cb, Cr: white, yellow, cyan, green,
    /// magenta, red, blue, black.
    static let bars: [(y: UInt8, u: UInt8, v: UInt8)] = [
        (180, 128, 128), (168, 44, 136), (145, 147, 44), (134, 63, 52),
        (63, 193, 204), (51, 109, 212), (28, 212, 120), (16, 128, 128),
    ]

    /// Side of one counter block, in pixels (even, so chroma lines up).
    static func blockSize(height: Int) -> Int { max(4, (height / 24) & ~1) }

    /// Draws frame `index` into `frame` (allocated, planar YUV 4:2:0, any line size).
    static func draw(into frame: UnsafeMutablePointer<AVFrame>, index: Int) {
        let width = Int(frame.pointee.width)
        let height = Int(frame.pointee.height)
        guard width >= 2, height >= 2,
              let yPlane = loom_frame_data(frame, 0), let uPlane = loom_frame_data(frame, 1),
              let vPlane = loom_frame_data(frame, 2) else { return }
        let yStride = Int(loom_frame_linesize(frame, 0))
        let uStride = Int(loom_frame_linesize(frame, 1))
        let vStride = Int(loom_frame_linesize(frame, 2))
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        let barsEnd = (height * 2 / 3) & ~1

        // Bars: the pattern moves by width/160 pixels a frame, a full bar in about 20 frames.
        let shift = index * max(1, width / 160)
        var yRow = [UInt8](repeating: 0, count: width)
        var uRow = [UInt8](repeating: 0, count: chromaWidth)
        var vRow = [UInt8](repeating: 0, count: chromaWidth)
        for x in 0..<width { yRow[x] = bars[((x + shift) * bars.count / width) % bars.count].y }
        for cx in 0..<chromaWidth {
            let bar = bars[((cx * 2 + shift) * bars.count / width) % bars.count]
            uRow[cx] = bar.u
            vRow[cx] = bar.v
        }
        copyRows(yRow, to: yPlane, stride: yStride, rows: 0..<barsEnd)
        copyRows(uRow, to: uPlane, stride: uStride, rows: 0..<(barsEnd / 2))
        copyRows(vRow, to: vPlane, stride: vStride, rows: 0..<(barsEnd / 2))

        // Ramp: 16…235 across the width, scrolling the other way.
        let rampShift = index * max(1, width / 100)
        for x in 0..<width { yRow[x] = UInt8(16 + ((x + width - rampShift % width) % width) * 219 / max(1, width - 1)) }
        for cx in 0..<chromaWidth { uRow[cx] = 128; vRow[cx] = 128 }
        copyRows(yRow, to: yPlane, stride: yStride, rows: barsEnd..<height)
        copyRows(uRow, to: uPlane, stride: uStride, rows: (barsEnd / 2)..<chromaHeight)
        copyRows(vRow, to: vPlane, stride: vStride, rows: (barsEnd / 2)..<chromaHeight)

        // Counter: bit 15 first, from the left, one block below the top edge.
        let block = blockSize(height: height)
        guard block * 18 <= width, block * 3 <= height else { return }
        for bit in 0..<16 {
            let on = (index >> (15 - bit)) & 1 == 1
            let luma: UInt8 = on ? 235 : 16
            let x0 = block * (bit + 1)
            for y in block..<(2 * block) {
                (yPlane + y * yStride + x0).update(repeating: luma, count: block)
            }
            for cy in (block / 2)..<block {
                (uPlane + cy * uStride + x0 / 2).update(repeating: 128, count: block / 2)
                (vPlane + cy * vStride + x0 / 2).update(repeating: 128, count: block / 2)
            }
        }
    }

    private static func copyRows(_ row: [UInt8], to plane: UnsafeMutablePointer<UInt8>, stride: Int, rows: Range<Int>) {
        row.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for y in rows { (plane + y * stride).update(from: base, count: source.count) }
        }
    }

    /// Reads the counter back from a decoded frame with a luma plane (the luma at each
    /// block's centre), or nil when the frame is too small to carry it. `drawnWidth` ×
    /// `drawnHeight` is the size the pattern was drawn at, when the frame has been scaled since.
    static func readCounter(from frame: UnsafeMutablePointer<AVFrame>, drawnWidth: Int? = nil, drawnHeight: Int? = nil) -> Int? {
        let width = Int(frame.pointee.width)
        let height = Int(frame.pointee.height)
        let sourceWidth = drawnWidth ?? width
        let sourceHeight = drawnHeight ?? height
        let block = blockSize(height: sourceHeight)
        guard block * 18 <= sourceWidth, block * 3 <= sourceHeight, width > 0, height > 0,
              let yPlane = loom_frame_data(frame, 0) else { return nil }
        let stride = Int(loom_frame_linesize(frame, 0))
        let scaleX = Double(width) / Double(sourceWidth)
        let scaleY = Double(height) / Double(sourceHeight)
        let y = min(height - 1, Int((Double(block) * 1.5 * scaleY).rounded(.down)))
        var value = 0
        for bit in 0..<16 {
            let x = min(width - 1, Int((Double(block * (bit + 1)) + Double(block) / 2) * scaleX))
            value = value << 1 | (yPlane[y * stride + x] > 125 ? 1 : 0)
        }
        return value
    }
}
