/// What an AI/ML request asks for: the seed's transcription workers run Whisper models and its
/// analysis workers NLP models (seed §3.1); §3.3's `create_degraded_result` distinguishes
/// `"transcription"` and `"sentiment_analysis"` tasks and answers anything else with a generic
/// error result.
public enum AIInferenceKind: String, Sendable, CaseIterable {
    case transcription
    case sentimentAnalysis = "sentiment_analysis"
    case summarization
    case textAnalysis = "text_analysis"

    /// Position in `allCases` (metric handles are kept in that order).
    var index: Int {
        switch self {
        case .transcription: return 0
        case .sentimentAnalysis: return 1
        case .summarization: return 2
        case .textAnalysis: return 3
        }
    }
}

/// One model the AI/ML service can load and serve: its size (what the §3.2.1 cache counts and
/// what a load moves), the GPU memory it occupies while serving (what §3.2.2 allocates), and
/// its compute cost on the inference pool's reference GPU.
///
/// Inference time on a GPU with speed factor `s` is
/// `(fixedSeconds + secondsPerMediaSecond × media seconds) / s`, so transcription models are
/// described by their real-time factor and analysis models by a per-request overhead plus a
/// small per-second cost for the transcript's length.
public struct AIModelSpec: Sendable, Equatable {
    /// The model key (seed §3.2.1 `model_name`; the version is part of the name here).
    public var name: String
    /// Size of the weights, MB: the seed's `ModelInfo.size_mb`, counted against the cache bound
    /// (`max_cache_size_gb`) and moved by every load.
    public var sizeMB: Double
    /// GPU memory the loaded model holds while serving, GB (weights plus activations or KV
    /// cache): the seed's `estimated_memory_gb` in §3.2.2.
    public var gpuMemoryGB: Double
    /// GPU seconds per request independent of its length, on the reference GPU.
    public var fixedSeconds: Double
    /// GPU seconds per second of media (the real-time factor), on the reference GPU.
    public var secondsPerMediaSecond: Double

    public init(name: String, sizeMB: Double, gpuMemoryGB: Double, fixedSeconds: Double, secondsPerMediaSecond: Double) {
        self.name = name
        self.sizeMB = sizeMB
        self.gpuMemoryGB = gpuMemoryGB
        self.fixedSeconds = fixedSeconds
        self.secondsPerMediaSecond = secondsPerMediaSecond
    }

    /// Every model the seed names (§3.2.1 predictor lists, §3.3 fallback chains), with sizes from
    /// the models' published checkpoints and compute costs for an NVIDIA A10G-class GPU (24 GB,
    /// the seed's `max_gpu_memory_gb = 24`).
    ///
    /// - Whisper (openai/whisper README): large-v2 1,550 M parameters, ~10 GB VRAM; medium 769 M,
    ///   ~5 GB; base 74 M, ~1 GB; fp16 weights 3.1 GB / 1.5 GB / 0.15 GB. Real-time factor of
    ///   large-v2 on a V100-class GPU: 13 min of audio in 4 min 30 s (faster-whisper's benchmark of
    ///   openai/whisper, beam 5) ≈ 0.35; medium ~2× and base ~7× faster (README relative speeds).
    /// - BERT family (Hugging Face checkpoints, fp32): bert-large-uncased 336 M / 1.34 GB,
    ///   bert-base-uncased 110 M / 440 MB, distilbert-base-uncased 66 M / 268 MB;
    ///   "sentiment-analyzer" is taken to be a DistilBERT SST-2 model and "summarizer" BART-large-CNN
    ///   (406 M, 1.63 GB) — the seed does not say which models these are.
    /// - The GPT names are OpenAI API models whose sizes are not public; they are modelled as
    ///   self-hosted stand-ins of 20 B (gpt-3.5-turbo), 13 B (-instruct) and 175 B (text-davinci-003)
    ///   parameters in fp16, so the chain exercises §3.2.2's sharding (2–3 shards) and its
    ///   four-shard limit (the 175 B model cannot be placed). Scenarios override these freely.
    public static let seedCatalog: [AIModelSpec] = [
        AIModelSpec(name: "whisper-large-v2", sizeMB: 3_090, gpuMemoryGB: 10, fixedSeconds: 0.5, secondsPerMediaSecond: 0.35),
        AIModelSpec(name: "whisper-medium", sizeMB: 1_530, gpuMemoryGB: 5, fixedSeconds: 0.4, secondsPerMediaSecond: 0.175),
        AIModelSpec(name: "whisper-base", sizeMB: 145, gpuMemoryGB: 1, fixedSeconds: 0.2, secondsPerMediaSecond: 0.05),
        AIModelSpec(name: "bert-large-uncased", sizeMB: 1_340, gpuMemoryGB: 2, fixedSeconds: 0.05, secondsPerMediaSecond: 0.0002),
        AIModelSpec(name: "bert-base-uncased", sizeMB: 440, gpuMemoryGB: 1, fixedSeconds: 0.03, secondsPerMediaSecond: 0.0001),
        AIModelSpec(name: "distilbert-base-uncased", sizeMB: 268, gpuMemoryGB: 0.6, fixedSeconds: 0.02, secondsPerMediaSecond: 0.00005),
        AIModelSpec(name: "sentiment-analyzer", sizeMB: 268, gpuMemoryGB: 0.6, fixedSeconds: 0.02, secondsPerMediaSecond: 0.00005),
        AIModelSpec(name: "summarizer", sizeMB: 1_630, gpuMemoryGB: 3, fixedSeconds: 0.5, secondsPerMediaSecond: 0.003),
        AIModelSpec(name: "gpt-3.5-turbo", sizeMB: 40_000, gpuMemoryGB: 44, fixedSeconds: 1, secondsPerMediaSecond: 0.02),
        AIModelSpec(name: "gpt-3.5-turbo-instruct", sizeMB: 26_000, gpuMemoryGB: 29, fixedSeconds: 0.8, secondsPerMediaSecond: 0.015),
        AIModelSpec(name: "text-davinci-003", sizeMB: 350_000, gpuMemoryGB: 360, fixedSeconds: 3, secondsPerMediaSecond: 0.1),
    ]
}

/// A primary model and the models tried after it, in order, when it is unavailable or times
/// out (seed §3.3 `model_fallbacks`).
public struct AIModelFallbackChain: Sendable, Equatable {
    public var primary: String
    public var fallbacks: [String]

    public init(primary: String, fallbacks: [String]) {
        self.primary = primary
        self.fallbacks = fallbacks
    }

    /// The seed's three chains (§3.3), in the seed's order.
    public static let seedChains: [AIModelFallbackChain] = [
        AIModelFallbackChain(primary: "whisper-large-v2", fallbacks: ["whisper-medium", "whisper-base"]),
        AIModelFallbackChain(primary: "bert-large-uncased", fallbacks: ["bert-base-uncased", "distilbert-base-uncased"]),
        AIModelFallbackChain(primary: "gpt-3.5-turbo", fallbacks: ["gpt-3.5-turbo-instruct", "text-davinci-003"]),
    ]
}

/// The seed's `ModelUsagePredictor` (§3.2.1): a time-of-day rule naming the models likely to be
/// needed, which predictive warming loads before requests arrive.
///
/// The seed looks only at the current hour (`9 <= hour <= 17` is business hours) although it
/// takes a `horizon_minutes`; the intent of the horizon is "models needed within the next
/// `horizon` minutes", so `models(at:horizon:)` returns the union of the predictions for now
/// and for now + horizon (at 08:45 it already warms the business-hours models).
public struct ModelUsagePredictor: Sendable, Equatable {
    /// First and last business hour, inclusive (seed: 9 and 17).
    public var businessHours: ClosedRange<Int>
    /// Models predicted during business hours (seed: whisper-large-v2, bert-base-uncased, sentiment-analyzer).
    public var businessHoursModels: [String]
    /// Models predicted otherwise (seed: whisper-base, summarizer).
    public var offHoursModels: [String]

    public init(businessHours: ClosedRange<Int> = 9...17,
                businessHoursModels: [String] = ["whisper-large-v2", "bert-base-uncased", "sentiment-analyzer"],
                offHoursModels: [String] = ["whisper-base", "summarizer"]) {
        self.businessHours = businessHours
        self.businessHoursModels = businessHoursModels
        self.offHoursModels = offHoursModels
    }

    /// The seed's `predict_next_models` for an hour of the day (0–23).
    public func predictNextModels(hour: Int) -> [String] {
        businessHours.contains(hour) ? businessHoursModels : offHoursModels
    }

    /// Models predicted for the hour of day `hourOfDay` (fractional) or `horizonMinutes` later,
    /// without duplicates, in prediction order.
    public func models(atHourOfDay hourOfDay: Double, horizonMinutes: Double) -> [String] {
        func hour(_ h: Double) -> Int {
            let wrapped = h.truncatingRemainder(dividingBy: 24)
            return Int(wrapped < 0 ? wrapped + 24 : wrapped)
        }
        var result = predictNextModels(hour: hour(hourOfDay))
        for name in predictNextModels(hour: hour(hourOfDay + horizonMinutes / 60)) where !result.contains(name) {
            result.append(name)
        }
        return result
    }
}
