#!/usr/bin/env bash
# Build paraglue, upload its artifacts and deploy conf/paraglue.template.json with the AWS CLI.
#   jobs/deploy.sh BUCKET ARTIFACTS_BUCKET [STACK_NAME]
# BUCKET is created by the stack (raw/, output/, manifests/, warehouse/), or, with
# EXISTING_BUCKET=true, an existing bucket whose other notifications are kept; ARTIFACTS_BUCKET holds
# the jars and is created if missing. KMS_KEY_ARN (optional) encrypts the bucket and the job.
set -euo pipefail

if (($# < 2)); then
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
bucket=$1
artifacts=$2
stack=${3:-paraglue}
prefix=paraglue/
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "deploy: building" >&2
mvn -B -q -DskipTests package

if ! aws s3api head-bucket --bucket "$artifacts" >/dev/null 2>&1; then
  echo "deploy: creating artifacts bucket $artifacts" >&2
  aws s3 mb "s3://$artifacts"
fi
for f in target/paraglue-glue.jar target/paraglue-trigger.jar jobs/glue/paraglue_placeholder.scala; do
  aws s3 cp "$f" "s3://$artifacts/$prefix$(basename "$f")"
done

overrides=("BucketName=$bucket" "ArtifactsBucket=$artifacts" "ArtifactsPrefix=$prefix" "JobName=$stack")
functions=("$stack-trigger" "$stack-api")
if [[ ${EXISTING_BUCKET:-false} == true ]]; then
  overrides+=("CreateBucket=false")
  functions+=("$stack-notifications")
fi
if [[ -n ${KMS_KEY_ARN:-} ]]; then
  overrides+=("KmsKeyArn=$KMS_KEY_ARN")
fi
echo "deploy: deploying stack $stack" >&2
aws cloudformation deploy --template-file conf/paraglue.template.json --stack-name "$stack" \
  --capabilities CAPABILITY_IAM --parameter-overrides "${overrides[@]}"
# The function's code key does not change between versions: point it at the new jar.
for fn in "${functions[@]}"; do
  aws lambda update-function-code --function-name "$fn" \
    --s3-bucket "$artifacts" --s3-key "${prefix}paraglue-trigger.jar" >/dev/null
done
endpoint=$(aws cloudformation describe-stacks --stack-name "$stack" \
  --query "Stacks[0].Outputs[?OutputKey=='ApiEndpoint'].OutputValue" --output text)

cat <<MSG
Deployed. Upload documents under s3://$bucket/raw/ (e.g. raw/dt=2026-11-29/notes.txt) and the
trigger starts the job, or start a run by hand:
  aws glue start-job-run --job-name $stack --arguments '{"--source_table":"paraglue.raw_documents"}'
Then query in Athena:  SELECT doc_id, paragraph_index, text FROM paraglue.paragraphs LIMIT 20;
Or submit text through the HTTP API (IAM-signed requests only):
  curl --aws-sigv4 "aws:amz:\$AWS_REGION:execute-api" --user "\$AWS_ACCESS_KEY_ID:\$AWS_SECRET_ACCESS_KEY" \\
    -H "x-amz-security-token: \$AWS_SESSION_TOKEN" --data-binary @notes.txt $endpoint/documents
MSG
