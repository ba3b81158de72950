/* The stand-in image's UDP listener (busybox's nc has no UDP): appends
 * every datagram that reaches PORT to FILE, forever. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: udp-listen PORT FILE\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons((unsigned short)atoi(argv[1]));
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        perror("udp-listen");
        return 1;
    }
    char buffer[2048];
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) continue;
        FILE *out = fopen(argv[2], "a");
        if (out) {
            fwrite(buffer, 1, (size_t)n, out);
            fclose(out);
        }
    }
}
