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

{{/*
The one list of services: services/catalog.json, linked into the chart as catalog.json. By name, as JSON, each with
what the catalog says it is (port, public, publishes, subscribes). `services.<name>` in the values may only tune a
catalog service (replicas, resources, dapr, env...); a name the catalog does not have fails the render.
*/}}
{{- define "eda-lab.catalog" -}}
{{- $c := .Files.Get "catalog.json" | fromJson -}}
{{- if not $c.services }}{{ fail "catalog.json (a link to services/catalog.json) is missing from the chart" }}{{ end -}}
{{- $out := dict -}}
{{- range $s := $c.services }}{{ $_ := set $out $s.name (pick $s "port" "public" "publishes" "subscribes") }}{{ end -}}
{{- range $name, $_ := .Values.services }}
{{- if not (hasKey $out $name) }}{{ fail (printf "services.%s: services/catalog.json has no service %s" $name $name) }}{{ end }}
{{- end -}}
{{- toJson $out -}}
{{- end }}

{{/* A service: `defaults`, then its values overrides, then what the catalog says it is; call with (dict "root" $ "name" $name). */}}
{{- define "eda-lab.service" -}}
{{- $entry := index (include "eda-lab.catalog" .root | fromJson) .name -}}
{{- $overrides := index (.root.Values.services | default dict) .name | default dict -}}
{{- toYaml (mustMergeOverwrite (deepCopy .root.Values.defaults) (deepCopy $overrides) $entry) -}}
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

{{/*
"true" when KEDA scales this service (keda.enabled, its autoscaling.enabled, and it subscribes to something), else
empty; call with (dict "root" $ "name" $name "service" $s).
*/}}
{{- define "eda-lab.kedaScaled" -}}
{{- if and .root.Values.keda.enabled .service.autoscaling.enabled (gt (len (.service.subscribes | default list)) 0) -}}
true
{{- end -}}
{{- end }}
