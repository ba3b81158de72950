# Scenario S1 with the key and certificate given base64-encoded instead of
# mounted, under rootful Podman (reference/5.13/scenarios.md).
sudo podman run -d --name one-frontend --privileged --restart always \
  -p 192.168.10.2:80:80 -p 192.168.10.2:443:443 -p 192.168.10.2:22:22 \
  -p 192.168.10.2:29876:29876 -p 192.168.10.2:2633:2634 \
  -p 192.168.10.2:5030:5031 -p 192.168.10.2:2474:2475 \
  -p 192.168.10.2:4124:4124/tcp -p 192.168.10.2:4124:4124/udp \
  -e OPENNEBULA_FRONTEND_HOST=192.168.10.2 \
  -e OPENNEBULA_FRONTEND_SSH_HOST=192.168.10.2 \
  -e ONEADMIN_PASSWORD="$ONEADMIN_PASSWORD" \
  -e DIND_ENABLED=yes \
  -e ONEADMIN_SSH_PRIVKEY_BASE64=LS0tLS1CRUdJTiBLRVktLS0tLQ== \
  -e ONEADMIN_SSH_PUBKEY_BASE64=c3NoLXJzYSBBQUFBQjNOemFD \
  -e TLS_CERT_BASE64=LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t \
  -e TLS_KEY_BASE64=LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t \
  -v one_db:/var/lib/mysql \
  -v one_datastores:/var/lib/one/datastores \
  -v one_srv:/srv/one \
  -v one_oneadmin_auth:/var/lib/one/.one \
  -v one_oneadmin_ssh:/var/lib/one/.ssh \
  -v one_oneprovision_ssh:/var/lib/one/.ssh-oneprovision \
  -v one_logs:/var/log \
  opennebula:5.13
