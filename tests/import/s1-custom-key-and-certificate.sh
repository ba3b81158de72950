# Scenario S1 with a custom SSH key and TLS certificate, bind-mounted
# read-only from the host (reference/5.13/scenarios.md).
docker run -d --name opennebula --privileged --restart unless-stopped \
  -p 80:80 -p 443:443 -p 22:22 -p 29876:29876 \
  -p 2633:2634 -p 5030:5031 -p 2474:2475 \
  -p 4124:4124/tcp -p 4124:4124/udp \
  -e OPENNEBULA_FRONTEND_HOST=one.example.com \
  -e OPENNEBULA_FRONTEND_SSH_HOST=one.example.com \
  -e ONEADMIN_PASSWORD="$ONEADMIN_PASSWORD" \
  -e DIND_ENABLED=yes \
  -e ONEADMIN_SSH_PRIVKEY=/ssh/id_rsa \
  -e ONEADMIN_SSH_PUBKEY=/ssh/id_rsa.pub \
  -e TLS_CERT=/certs/cert.pem \
  -e TLS_KEY=/certs/cert.key \
  -v /srv/one/ssh:/ssh:ro \
  -v /srv/one/certs:/certs:ro \
  -v opennebula_db:/var/lib/mysql \
  -v opennebula_datastores:/var/lib/one/datastores \
  -v opennebula_srv:/srv/one \
  -v opennebula_oneadmin_auth:/var/lib/one/.one \
  -v opennebula_oneadmin_ssh:/var/lib/one/.ssh \
  -v opennebula_oneprovision_ssh:/var/lib/one/.ssh-oneprovision \
  -v opennebula_logs:/var/log \
  opennebula:5.13
