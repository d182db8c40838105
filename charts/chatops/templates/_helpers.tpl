{{/* The chart name, truncated to a DNS label. */}}
{{- define "chatops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object name: the release name, with the chart name unless the release name contains it. */}}
{{- define "chatops.fullname" -}}
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

{{- define "chatops.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "chatops.labels" -}}
helm.sh/chart: {{ include "chatops.chart" . }}
app.kubernetes.io/name: {{ include "chatops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: chatops
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of a component: (dict "ctx" $ "component" "gateway"). */}}
{{- define "chatops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chatops.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of a component's objects. */}}
{{- define "chatops.componentLabels" -}}
{{ include "chatops.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "chatops.operator.fullname" -}}
{{- printf "%s-operator" (include "chatops.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "chatops.gateway.fullname" -}}
{{- printf "%s-gateway" (include "chatops.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The rendered ConfigMap and Secret: the operator's target, the gateway's volumes. */}}
{{- define "chatops.gateway.configName" -}}
{{- default (include "chatops.gateway.fullname" .) .Values.gateway.configName }}
{{- end }}

{{/* The operator's leader-election Lease. */}}
{{- define "chatops.operator.leaseName" -}}
{{- include "chatops.operator.fullname" . }}
{{- end }}

{{/* The namespaces the operator watches (a list), unless it watches all. */}}
{{- define "chatops.operator.watchNamespaces" -}}
{{- if .Values.operator.watch.namespaces }}
{{- toJson (uniq .Values.operator.watch.namespaces) }}
{{- else }}
{{- toJson (list .Release.Namespace) }}
{{- end }}
{{- end }}

{{- define "chatops.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Pod security "restricted". */}}
{{- define "chatops.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "chatops.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The gateway's base URL for NOTES and --public-url: publicUrl, else the ingress host. */}}
{{- define "chatops.gateway.publicUrl" -}}
{{- if .Values.gateway.publicUrl }}
{{- .Values.gateway.publicUrl | trimSuffix "/" }}
{{- else if .Values.gateway.ingress.enabled }}
{{- printf "%s://%s" (ternary "https" "http" .Values.gateway.ingress.tls.enabled) .Values.gateway.ingress.host }}
{{- end }}
{{- end }}

{{- define "chatops.redis.fullname" -}}
{{- printf "%s-redis" (include "chatops.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Redis the chart starts (redis.enabled): its pinned image. */}}
{{- define "chatops.redis.image" -}}
{{- printf "%s:%s" .Values.redis.image.repository .Values.redis.image.tag }}
{{- end }}

{{/*
The gateway's environment for the shared state: CHATOPS_REDIS_URL from the
Secret named by redis.existingSecret, or the URL of the Redis the chart
starts (its password, if any, from redis.auth.existingSecret, expanded by
the kubelet: the URL never appears in a ConfigMap or the pod spec).
*/}}
{{- define "chatops.gateway.redisEnv" -}}
{{- $redis := .Values.redis }}
{{- if and $redis.enabled $redis.existingSecret }}
{{- fail "redis.enabled and redis.existingSecret exclude each other: start a Redis, or point at yours" }}
{{- end }}
{{- if $redis.existingSecret }}
- name: CHATOPS_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $redis.existingSecret }}
      key: {{ $redis.existingSecretKey }}
{{- else if $redis.enabled }}
{{- $host := printf "%s:%d" (include "chatops.redis.fullname" .) (int $redis.port) }}
{{- if $redis.auth.existingSecret }}
- name: CHATOPS_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $redis.auth.existingSecret }}
      key: {{ $redis.auth.existingSecretKey }}
- name: CHATOPS_REDIS_URL
  value: {{ printf "redis://:$(CHATOPS_REDIS_PASSWORD)@%s/0" $host | quote }}
{{- else }}
- name: CHATOPS_REDIS_URL
  value: {{ printf "redis://%s/0" $host | quote }}
{{- end }}
{{- end }}
{{- if or $redis.enabled $redis.existingSecret }}
- name: CHATOPS_REDIS_KEY_PREFIX
  value: {{ default (include "chatops.fullname" .) $redis.keyPrefix | quote }}
{{- end }}
{{- end }}
