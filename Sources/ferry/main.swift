import ArgumentParser
import AsyncHTTPClient
import Hummingbird

