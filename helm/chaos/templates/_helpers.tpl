{{/* Names and labels. */}}
{{- define "chaos.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "chaos.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "chaos.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels shared by every pod of the release: the NetworkPolicy admits these to the Orleans ports. */}}
{{- define "chaos.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chaos.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "chaos.labels" -}}
helm.sh/chart: {{ include "chaos.chart" . }}
{{ include "chaos.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: chaos
{{- end }}

{{- define "chaos.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "chaos.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "chaos.clusterId" -}}
{{- default (include "chaos.fullname" .) .Values.clusterId }}
{{- end }}

{{/* The chart's own Secret exists when it has something to hold and no existing Secret is named. */}}
{{- define "chaos.ownSecret" -}}
{{- if and (not .Values.existingSecret) (or .Values.database.connectionString .Values.jwt.signingKey .Values.admin.token) }}true{{- end }}
{{- end }}

{{- define "chaos.secretName" -}}
{{- default (include "chaos.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "chaos.image" -}}
{{- $root := index . 0 }}{{- $repo := index . 1 }}
{{- $tag := default $root.Chart.AppVersion $root.Values.image.tag }}
{{- if $root.Values.image.registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" $root.Values.image.registry) $repo $tag }}
{{- else }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}
{{- end }}

{{/*
The pod template of one component. Call with (list $ "front-door" .Values.frontDoor) or (list $ "silo" .Values.silo).
*/}}
{{- define "chaos.podTemplate" -}}
{{- $root := index . 0 }}{{- $component := index . 1 }}{{- $c := index . 2 }}
{{- $isFrontDoor := eq $component "front-door" }}
metadata:
  labels:
    {{- include "chaos.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $component }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    {{- if $root.Values.metrics.podAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $root.Values.ports.http | quote }}
    prometheus.io/path: /metrics
    {{- end }}
    {{- with $c.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "chaos.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  terminationGracePeriodSeconds: {{ $c.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ ternary "api" "silo" $isFrontDoor }}
      image: {{ include "chaos.image" (list $root (ternary $root.Values.image.api.repository $root.Values.image.silo.repository $isFrontDoor)) }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      ports:
        - name: http
          containerPort: {{ $root.Values.ports.http }}
          protocol: TCP
        {{- if or (not $isFrontDoor) $root.Values.frontDoor.coHostSilo }}
        - name: silo
          containerPort: {{ $root.Values.ports.silo }}
          protocol: TCP
        - name: gateway
          containerPort: {{ $root.Values.ports.gateway }}
          protocol: TCP
        {{- end }}
      envFrom:
        - configMapRef:
            name: {{ include "chaos.fullname" $root }}
      env:
        # Other silos reach this one at the pod's own address (downward API).
        - name: Chaos__AdvertisedIp
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: OTEL_SERVICE_NAME
          value: {{ printf "chaos-%s" $component | quote }}
        - name: OTEL_RESOURCE_ATTRIBUTES
          value: "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),service.instance.id=$(POD_NAME)"
        {{- if and $isFrontDoor (not $root.Values.frontDoor.coHostSilo) }}
        - name: Chaos__FrontDoorOnly
          value: "true"
        {{- end }}
        {{- include "chaos.databaseEnv" $root | nindent 8 }}
        {{- if or $root.Values.existingSecret $root.Values.jwt.signingKey }}
        - name: Chaos__Jwt__SigningKey
          valueFrom:
            secretKeyRef:
              name: {{ include "chaos.secretName" $root }}
              key: {{ $root.Values.secretKeys.jwtSigningKey }}
              optional: true
        {{- end }}
        {{- if and $isFrontDoor (or $root.Values.existingSecret $root.Values.admin.token) }}
        - name: Chaos__Admin__Token
          valueFrom:
            secretKeyRef:
              name: {{ include "chaos.secretName" $root }}
              key: {{ $root.Values.secretKeys.adminToken }}
              optional: true
        {{- end }}
        {{- if $root.Values.cluster.tls.enabled }}
        # Mutual TLS between silos and gateways (docs/operations.md#cluster-network).
        - name: Chaos__Cluster__Tls__CertificatePath
          value: /etc/chaos/cluster-tls/tls.crt
        - name: Chaos__Cluster__Tls__KeyPath
          value: /etc/chaos/cluster-tls/tls.key
        {{- if $root.Values.cluster.tls.trustCa }}
        - name: Chaos__Cluster__Tls__CaPath
          value: /etc/chaos/cluster-tls/ca.crt
        {{- end }}
        {{- end }}
        {{- with $c.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        httpGet: { path: /health/live, port: http }
        periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
      livenessProbe:
        httpGet: { path: /health/live, port: http }
        periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
      readinessProbe:
        httpGet: { path: /health/ready, port: http }
        periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
        timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
      {{- if gt (int $c.preStopSleepSeconds) 0 }}
      lifecycle:
        preStop:
          exec:
            command: ["sleep", {{ $c.preStopSleepSeconds | quote }}]
      {{- end }}
      resources:
        {{- toYaml $c.resources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if $isFrontDoor }}
        - name: blobs
          mountPath: /var/lib/chaos/blobs
        {{- end }}
        {{- if $root.Values.cluster.tls.enabled }}
        - name: cluster-tls
          mountPath: /etc/chaos/cluster-tls
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir: {}
    {{- if $root.Values.cluster.tls.enabled }}
    - name: cluster-tls
      secret:
        secretName: {{ required "cluster.tls.secretName is required when cluster.tls.enabled" $root.Values.cluster.tls.secretName }}
        defaultMode: 0440
    {{- end }}
    {{- if $isFrontDoor }}
    - name: blobs
      {{- if $root.Values.blobs.persistence.enabled }}
      persistentVolumeClaim:
        claimName: {{ default (printf "%s-blobs" (include "chaos.fullname" $root)) $root.Values.blobs.persistence.existingClaim }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    {{- end }}
  topologySpreadConstraints:
    {{- if $c.topologySpreadConstraints }}
    {{- toYaml $c.topologySpreadConstraints | nindent 4 }}
    {{- else }}
    {{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
    - maxSkew: 1
      topologyKey: {{ . }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "chaos.selectorLabels" $root | nindent 10 }}
          app.kubernetes.io/component: {{ $component }}
    {{- end }}
    {{- end }}
  {{- with $c.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* ConnectionStrings__Chaos: from a Secret (options 1), or composed with the in-cluster chart's password (option 2). */}}
{{- define "chaos.databaseEnv" -}}
{{- if or .Values.existingSecret .Values.database.connectionString -}}
- name: ConnectionStrings__Chaos
  valueFrom:
    secretKeyRef:
      name: {{ include "chaos.secretName" . }}
      key: {{ .Values.secretKeys.connectionString }}
{{- else -}}
- name: CHAOS_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ tpl .Values.database.passwordSecret.name . }}
      key: {{ .Values.database.passwordSecret.key }}
- name: ConnectionStrings__Chaos
  value: {{ printf "Host=%s;Port=%v;Database=%s;Username=%s;Password=$(CHAOS_DATABASE_PASSWORD)%s" (tpl .Values.database.host .) .Values.database.port .Values.database.name .Values.database.username (ternary (printf ";%s" .Values.database.options) "" (ne .Values.database.options "")) | quote }}
{{- end }}
{{- end }}
