{{/* Names, labels and per-service settings shared by every template. */}}

{{- define "eda-lab.labels" -}}
app.kubernetes.io/part-of: eda-lab
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Selector labels of one workload; call with (dict "root" $ "name" $name). */}}
{{- define "eda-lab.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* A service's entry merged over `defaults` (the entry wins), as YAML; call with (dict "root" $ "name" $name). */}}
{{- define "eda-lab.service" -}}
{{- $entry := index .root.Values.services .name -}}
{{- toYaml (mustMergeOverwrite (deepCopy .root.Values.defaults) (deepCopy $entry)) -}}
{{- end }}

{{- define "eda-lab.image" -}}
{{- $i := .root.Values.image -}}
{{- printf "%s%s%s:%s" (ternary "" (printf "%s/" $i.registry) (empty $i.registry)) $i.prefix .name $i.tag -}}
{{- end }}

{{/* The restricted Pod Security Standard, for every container this chart owns; call with (dict "readOnly" bool). */}}
{{- define "eda-lab.containerSecurity" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
readOnlyRootFilesystem: {{ .readOnly }}
allowPrivilegeEscalation: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "eda-lab.podSecurity" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* An env var read from one of the token Secrets (key `token`); call with (list "ENV_NAME" $tokenEntry). */}}
{{- define "eda-lab.tokenEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ (index . 1).secretName }}
      key: token
{{- end }}

{{/* Topics in the catalog, plus the dead-letter topic every subscriber's sidecar publishes to. */}}
{{- define "eda-lab.deadLetterTopic" -}}dead-letters{{- end }}

{{/* components/<path> parsed, or a render failure naming the file (the chart needs the symlinked components/). */}}
{{- define "eda-lab.daprFile" -}}
{{- $raw := .root.Files.Get (printf "components/%s" .path) -}}
{{- if not $raw }}{{ fail (printf "components/%s is missing: helm/eda-lab/components must link to the repository's components/" .path) }}{{ end -}}
{{- $raw -}}
{{- end }}

{{/* The Configuration's name, read from components/config.yaml so dapr.io/config cannot drift from it. */}}
{{- define "eda-lab.configName" -}}
{{- (include "eda-lab.daprFile" (dict "root" . "path" "config.yaml") | fromYaml).metadata.name -}}
{{- end }}
