/// Edge and CDN layouts other than the default (seed §4.1/§4.2.1), for capacity questions such as
/// the seed's §10.1 row "Multi-CDN + edge optimization → 100x concurrent streams": the number of
/// edges and CDNs is what that figure depends on, so a scenario sets them explicitly.
extension EdgeServerConfiguration {
    /// `perRegion` edges in each of `regions`, named `<region>-edge-<n>` like the default layout,
    /// with its idle latencies (20 ms for the first edge of a region, 5 ms more for each next one)
    /// and its default capacity, bandwidth, cache and price.
    public static func layout(regions: [String], perRegion: Int) -> [EdgeServerConfiguration] {
        regions.flatMap { region in
            (0..<max(0, perRegion)).map { i in
                EdgeServerConfiguration(id: "\(region)-edge-\(i + 1)", region: region, baseLatencySeconds: 0.02 + 0.005 * Double(i))
            }
        }
    }
}

extension CDNConfiguration {
    /// The seed's CDNs named in `names`, in that order (nil when a name is not one of them).
    public static func seedCDNs(named names: [String]) -> [CDNConfiguration]? {
        var out: [CDNConfiguration] = []
        for name in names {
            guard let c = seedCDNs.first(where: { $0.name == name }) else { return nil }
            out.append(c)
        }
        return out
    }
}
