#!/bin/bash
# Jenkins "django-deploy" job: pull the new image everywhere, migrate once, restart in turn.
set -e
APP=antisocial
TAG=${TAG:?TAG must be set}
hosts=(appserver1 appserver2)

for h in "${hosts[@]}"; do
    ssh "$h" docker pull "thraxil/$APP:$TAG"
    ssh "$h" cp "/var/www/$APP/TAG" "/var/www/$APP/REVERT" || true
    ssh "$h" "echo export TAG=$TAG > /var/www/$APP/TAG"
done

# One-off tasks on the first host. Every one of these leaves a dead container behind.
h=${hosts[0]}
docker -H "ssh://$h" run -e DATABASE_URL thraxil/$APP:$TAG migrate
docker -H "ssh://$h" run --rm -e DATABASE_URL thraxil/$APP:$TAG collectstatic

for h in "${hosts[@]}"; do
    ssh "$h" sudo stop "$APP" || true
    ssh "$h" sudo start "$APP"
done
