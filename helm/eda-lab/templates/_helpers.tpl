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
The objects every workload of the chart is made of, so a service, the chaos controller and the dev infrastructure
are labelled and selected alike. Each takes (dict "root" $ "name" $name ...): the workload's name, which is also
its app.kubernetes.io/name and, for a service, its app id.
*/}}

{{/* metadata of one workload's object; "component" (service, chaos, infra) is added to the labels when given. */}}
{{- define "eda-lab.metadata" -}}
name: {{ .name }}
labels:
  {{- include "eda-lab.labels" .root | nindent 2 }}
  app.kubernetes.io/name: {{ .name }}
  {{- with .component }}
  app.kubernetes.io/component: {{ . }}
  {{- end }}
{{- end }}

{{/* The labels of a workload's pods: its selector, the system it is part of, and its "component". */}}
{{- define "eda-lab.podLabels" -}}
{{ include "eda-lab.selector" . }}
app.kubernetes.io/part-of: eda-lab
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* A workload's ServiceAccount; "automount" false when the pod never calls the Kubernetes API. */}}
{{- define "eda-lab.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  {{- include "eda-lab.metadata" (omit . "component") | nindent 2 }}
{{- if hasKey . "automount" }}
automountServiceAccountToken: {{ .automount }}
{{- end }}
{{- end }}

{{/*
The Service in front of a workload, named like it: one port "portName" ("port", to the container port of that
name), a NodePort when "nodePort" is set.
*/}}
{{- define "eda-lab.serviceFor" -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "eda-lab.metadata" (omit . "component") | nindent 2 }}
spec:
  {{- if .nodePort }}
  type: NodePort
  {{- end }}
  selector:
    {{- include "eda-lab.selector" . | nindent 4 }}
  ports:
    - name: {{ .portName }}
      port: {{ .port }}
      targetPort: {{ .portName }}
      {{- with .nodePort }}
      nodePort: {{ . }}
      {{- end }}
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
