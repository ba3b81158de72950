# Scenario S1 of the reference: the all-in-one front-end as the reference
# pages start it, one `docker run` (reference/5.13/scenarios.md).
docker run -d --name opennebula --privileged --restart unless-stopped \
  -p 80:80 -p 443:443 -p 22:22 -p 29876:29876 \
  -p 2633:2634 -p 5030:5031 -p 2474:2475 \
  -p 4124:4124/tcp -p 4124:4124/udp \
  -e OPENNEBULA_FRONTEND_HOST=one.example.com \
  -e OPENNEBULA_FRONTEND_SSH_HOST=one.example.com \
  -e ONEADMIN_PASSWORD="$ONEADMIN_PASSWORD" \
  -e DIND_ENABLED=yes \
  -v opennebula_db:/var/lib/mysql \
  -v opennebula_datastores:/var/lib/one/datastores \
  -v opennebula_srv:/srv/one \
  -v opennebula_oneadmin_auth:/var/lib/one/.one \
  -v opennebula_oneadmin_ssh:/var/lib/one/.ssh \
  -v opennebula_oneprovision_ssh:/var/lib/one/.ssh-oneprovision \
  -v opennebula_logs:/var/log \
  opennebula:5.13
