/// The HorizontalPodAutoscaler of seed §1.2.1 (the recording service), verbatim, comment
/// included: the default of the recording service model and the manifest the tests read.
extension HPAManifest {
    public static let seedRecordingServiceYAML = """
        # Recording Service Scaling Configuration
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: recording-service-hpa
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: recording-service
          minReplicas: 10
          maxReplicas: 100
          metrics:
          - type: Resource
            resource:
              name: cpu
              target:
                type: Utilization
                averageUtilization: 60
          - type: Resource
            resource:
              name: memory
              target:
                type: Utilization
                averageUtilization: 70
          - type: Pods
            pods:
              metric:
                name: active_recording_sessions
              target:
                type: AverageValue
                averageValue: "100"
          behavior:
            scaleUp:
              stabilizationWindowSeconds: 60
              policies:
              - type: Percent
                value: 50
                periodSeconds: 60
            scaleDown:
              stabilizationWindowSeconds: 300
              policies:
              - type: Percent
                value: 10
                periodSeconds: 60
        """
}
