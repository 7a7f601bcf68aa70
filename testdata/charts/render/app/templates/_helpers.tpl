{{/* helpers only */}}
